"""Users: accounts, passwords, sessions and who follows whom."""

import contextlib
import hashlib
import hmac
from datetime import datetime
from functools import cache, lru_cache
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Subquery,
    Table,
    TextClause,
    bindparam,
    case,
    event,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import (
    Mapped,
    WriteOnlyMapped,
    aliased,
    mapped_column,
    relationship,
    undefer,
    validates,
)
from werkzeug.security import check_password_hash

from app.extensions import db, login
from app.models.post import Post
from app.models.types import UTCDateTime, utcnow
from app.models.username import normalize_username, skeleton


@lru_cache
def _password_hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def password_hasher() -> PasswordHasher:
    config = current_app.config
    return _password_hasher(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
    )


@lru_cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("an unguessable dummy password")


def spend_password_check_time(password: str) -> None:
    """Verify against a dummy hash, so an unknown user costs as much time as a wrong password."""
    hasher = password_hasher()
    with contextlib.suppress(VerificationError):
        hasher.verify(_dummy_hash(hasher), password)


def normalize_email(email: str) -> str:
    return email.strip().lower()


followers = Table(
    "followers",
    db.metadata,
    Column("follower_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("followed_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    # The time of the followed user's newest post, or NULL while unknown (a new follow, until
    # they post again): see record_newest_post. A timeline page reads only the authors
    # whose time can reach it (User.timeline_authors, app/models/listing.py).
    Column("followed_last_post_at", UTCDateTime),
    # The primary key serves "whom do I follow"; this serves "who follows me".
    Index("ix_followers_followed_id", "followed_id"),
    # Whom do I follow, most recently active first: the authors a timeline page can show.
    Index(
        "ix_followers_follower_id_followed_last_post_at",
        "follower_id",
        "followed_last_post_at",
        "followed_id",
    ),
)


@event.listens_for(Post, "after_insert")
def record_newest_post(mapper, connection, post: Post) -> None:
    """Raise followers.followed_last_post_at on the author's follows to their newest post.

    A value may be NULL but never older than the author's newest post: the timeline
    skips an author whose value says they cannot be on the page. So a new follow is NULL
    rather than a time read while a post of theirs may be on its way, and an unknown value
    becomes the newest post this transaction sees, this one included. Run in the post's
    flush, so every post the ORM inserts keeps it; bulk inserts (flask seed) and deletes
    must set it themselves (refresh_newest_posts, forget_newest_post).
    """
    author, known = post.user_id, followers.c.followed_last_post_at
    newest = connection.scalar(select(func.max(Post.timestamp)).where(Post.user_id == author))
    connection.execute(
        update(followers)
        .where(followers.c.followed_id == author, or_(known.is_(None), known < post.timestamp))
        # Under concurrent posts by one author each statement waits for the other's rows and
        # then re-checks `known < timestamp`, so the later time wins either way.
        .values(
            followed_last_post_at=case(
                (known.is_(None), literal(newest, UTCDateTime)),
                else_=literal(post.timestamp, UTCDateTime),
            )
        )
    )


@event.listens_for(Post, "after_delete")
def forget_newest_post(mapper, connection, post: Post) -> None:
    """A deleted post may have been its author's newest: their follows' value is unknown again."""
    connection.execute(
        update(followers)
        .where(followers.c.followed_id == post.user_id)
        .values(followed_last_post_at=None)
    )


def refresh_newest_posts(connection) -> None:
    """Set every follow's followed_last_post_at from the posts (after bulk inserts)."""
    newest = (
        select(func.max(Post.timestamp))
        .where(Post.user_id == followers.c.followed_id)
        .scalar_subquery()
    )
    connection.execute(update(followers).values(followed_last_post_at=newest))


# SQLite allows at most 500 terms in one UNION; past this, timelines use a plain IN query.
TIMELINE_MERGE_MAX_AUTHORS = 400


def _union_per_author(arm: str, author_count: int) -> TextClause:
    """`arm` once per author, its `:a{}` made :a0, :a1, …, joined by UNION ALL."""
    union = text(" UNION ALL ".join(arm.format(n) for n in range(author_count)))
    return union.bindparams(*(bindparam(f"a{n}", type_=Integer) for n in range(author_count)))


@cache
def timeline_keys(dialect: str, author_count: int) -> Subquery:
    """The id and time of every post of `author_count` authors, whose ids are the parameters
    a0, a1, …: one newest-first range of ix_post_user_id_timestamp_id per author.

    Ordered by time and cut to a page, the database merges the ranges lazily (SQLite's
    MERGE (UNION ALL), PostgreSQL's Merge Append of index-only scans): a page costs about
    (authors + page depth) index steps however many posts exist, where "user_id IN (...)
    ORDER BY timestamp" reads and sorts every post of every author. Built once per database
    and number of authors, and run with parameters: building and cache-keying a hundred-arm
    statement on every request cost more than running it.
    """
    arm = "SELECT id, timestamp FROM post WHERE user_id = :a{}"
    if dialect != "sqlite":
        # SQLite allows no ORDER BY inside a UNION and merges by the outer one anyway.
        arm = f"({arm} ORDER BY timestamp DESC, id DESC)"
    keys = _union_per_author(arm, author_count)
    return keys.columns(Post.id, Post.timestamp).subquery("timeline")


@cache
def merged_timeline(dialect: str, author_count: int) -> Select:
    """Post objects of `author_count` authors (parameters a0, a1, …), newest first, for the
    ORM's User.timeline(): timeline_keys() joined to Post, or on SQLite whole rows merged."""
    if dialect == "sqlite":
        # SQLite keeps the merge lazy only when the UNION is flattened into the query that
        # orders and cuts it, which it does for a plain SELECT from it, not for a join: so
        # the ORM's query, cut later, merges whole rows. (The page listing merges keys.)
        columns = ", ".join(column.name for column in Post.__table__.c)
        rows = _union_per_author(f"SELECT {columns} FROM post WHERE user_id = :a{{}}", author_count)
        newest = aliased(Post, rows.columns(*Post.__table__.c).subquery("timeline"))
        return select(newest).order_by(newest.timestamp.desc(), newest.id.desc())
    keys = timeline_keys(dialect, author_count)
    return (
        select(Post)
        .join(keys, Post.id == keys.c.id)
        .order_by(keys.c.timestamp.desc(), keys.c.id.desc())
    )


def author_parameters(authors: list[int]) -> dict[str, int]:
    """merged_timeline()'s parameters for these authors."""
    return {f"a{n}": author for n, author in enumerate(authors)}


def _count_followers_where(condition) -> int:
    return db.session.scalar(select(func.count()).select_from(followers).where(condition)) or 0


def _skeleton_of_inserted_username(context) -> str:
    # For inserts that bypass the ORM object (bulk seeding); objects set it in _set_skeleton.
    return skeleton(context.get_current_parameters()["username"])


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    # The username's confusable skeleton (app/models/username.py): finding a look-alike of a
    # name is one lookup. A 64-character name's is at most 448 characters long (a Hangul
    # syllable decomposes into up to 7). Not unique: names from before the rule may share one.
    username_skeleton: Mapped[str] = mapped_column(
        String(512), index=True, default=_skeleton_of_inserted_username
    )
    email: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    about_me: Mapped[str | None] = mapped_column(String(140))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_read_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the login id (get_id): raised at logout, so no copy of a session cookie or
    # remember-me cookie from before it logs in again.
    session_generation: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # The language picked in the navbar (a code of LANGUAGES); None: the browser's.
    locale: Mapped[str | None] = mapped_column(String(16))
    # unread_message_count, counted by the database: see app/models/message.py.

    posts: WriteOnlyMapped["Post"] = relationship(back_populates="author", passive_deletes=True)
    following: WriteOnlyMapped["User"] = relationship(
        secondary=followers,
        primaryjoin=lambda: followers.c.follower_id == User.id,
        secondaryjoin=lambda: followers.c.followed_id == User.id,
        back_populates="followers",
        passive_deletes=True,
    )
    followers: WriteOnlyMapped["User"] = relationship(
        secondary=followers,
        primaryjoin=lambda: followers.c.followed_id == User.id,
        secondaryjoin=lambda: followers.c.follower_id == User.id,
        back_populates="following",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    @validates("username")
    def _set_skeleton(self, key: str, username: str) -> str:
        self.username_skeleton = skeleton(username)
        return username

    def is_following(self, user: "User") -> bool:
        query = self.following.select().where(User.id == user.id)
        return db.session.scalar(query) is not None

    def follow(self, user: "User") -> bool:
        """Follow `user`; False when that is not possible (yourself, or already followed)."""
        if user is self or self.is_following(user):
            return False
        self.following.add(user)
        return True

    def unfollow(self, user: "User") -> bool:
        if not self.is_following(user):
            return False
        self.following.remove(user)
        return True

    def followers_count(self) -> int:
        return _count_followers_where(followers.c.followed_id == self.id)

    def following_count(self) -> int:
        return _count_followers_where(followers.c.follower_id == self.id)

    def timeline_authors(self, depth: int | None = None) -> list[int]:
        """The user and everyone they follow; with `depth`, only the followed users who can
        have a post among the timeline's newest `depth`.

        Those are the ones whose newest post is at least as new as the depth-th newest of
        all their newest posts, and those whose newest post is not known (see
        followers.followed_last_post_at): anyone else's newest post comes after `depth`
        newer ones. With fewer known than `depth`, that is everyone.
        """
        if depth is None:
            query, params = _followed_ids(), {"user": self.id}
        else:
            query, params = _followed_ids_within(), {"user": self.id, "newer": depth - 1}
        # Plain ids: the session's connection, without the ORM's layer (app.pagination).
        return [self.id, *db.session.connection().scalars(query, params)]

    def timeline(self) -> Select:
        """The user's own posts and those of everyone they follow, newest first."""
        authors = self.timeline_authors()
        if len(authors) > TIMELINE_MERGE_MAX_AUTHORS:
            return Post.newest_first(Post.user_id.in_(authors))
        dialect = db.session.get_bind().dialect.name
        return merged_timeline(dialect, len(authors)).params(author_parameters(authors))

    def posts_newest_first(self) -> Select:
        return Post.newest_first(Post.user_id == self.id)

    @classmethod
    def by_username(cls, username: str):
        return select(cls).where(cls.username == normalize_username(username))

    @classmethod
    def lookalike(cls, username: str, other_than: "User | None" = None) -> Select:
        """The id of a user whose name is this one or looks like it (shares its skeleton)."""
        query = select(cls.id).where(
            or_(
                cls.username == normalize_username(username),
                cls.username_skeleton == skeleton(username),
            )
        )
        if other_than is not None:
            query = query.where(cls.id != other_than.id)
        return query.limit(1)

    @classmethod
    def by_login(cls, username_or_email: str):
        """The user whose username or email is this, in any letter case."""
        value = username_or_email.strip()
        return select(cls).where(
            or_(cls.username == normalize_username(value), cls.email == normalize_email(value))
        )

    @classmethod
    def by_email(cls, email: str):
        return select(cls).where(cls.email == normalize_email(email))

    @classmethod
    def authenticate(cls, username_or_email: str, password: str) -> "User | None":
        """The user with these credentials, taking about the same time whether or not they exist.

        A valid password stored under weaker settings is re-hashed (the caller commits).
        """
        user = db.session.scalar(cls.by_login(username_or_email))
        if user is None:
            spend_password_check_time(password)
            return None
        if not user.check_password(password):
            return None
        if user.password_needs_rehash():
            user.set_password(password)
        return user

    def set_password(self, password: str) -> None:
        self.password_hash = password_hasher().hash(password)

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        if not self.password_hash.startswith("$argon2"):
            # Hashes made by the tutorial's werkzeug generate_password_hash.
            return check_password_hash(self.password_hash, password)
        try:
            return password_hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def password_needs_rehash(self) -> bool:
        if not self.password_hash or not self.password_hash.startswith("$argon2"):
            return True
        return password_hasher().check_needs_rehash(self.password_hash)

    def password_fingerprint(self) -> str:
        """A short keyed digest of the password hash: it changes whenever the password does."""
        key = current_app.config["SECRET_KEY"].encode()
        digest = hmac.new(key, (self.password_hash or "").encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def get_id(self) -> str:
        # Flask-Login's alternative id: sessions and remember-me cookies die with the password
        # and at logout.
        return f"{self.id}:{self.session_generation}:{self.password_fingerprint()}"

    def end_sessions(self) -> None:
        """End every session and remember-me cookie of this user, on every device (the caller
        commits)."""
        # In SQL, so two logouts at once both count.
        self.session_generation = User.session_generation + 1

    def seen_now(self, every_seconds: int = 300) -> bool:
        """Record a visit, at most once every few minutes, so pages need not write on every hit."""
        now = utcnow()
        if self.last_seen and (now - self.last_seen).total_seconds() < every_seconds:
            return False
        self.last_seen = now
        return True


# The statements of the busiest pages are built once and run with parameters: building and
# cache-keying a statement costs SQLAlchemy more Python than running a small one.


@cache
def _followed_ids() -> Select:
    return select(followers.c.followed_id).where(followers.c.follower_id == bindparam("user"))


@cache
def _followed_ids_within() -> Select:
    """User.timeline_authors(depth)'s followed users: two ranges of
    ix_followers_follower_id_followed_last_post_at."""
    newest = followers.c.followed_last_post_at
    mine = followers.c.follower_id == bindparam("user", type_=Integer)
    since = (
        select(newest)
        .where(mine, newest.is_not(None))
        .order_by(newest.desc())
        .limit(1)
        # `newer` is depth - 1: MariaDB takes no expression after OFFSET.
        .offset(bindparam("newer", type_=Integer))
        .scalar_subquery()
    )
    return select(followers.c.followed_id).where(
        mine, or_(newest.is_(None), newest >= since, since.is_(None))
    )


class Profile(NamedTuple):
    user: User
    followers_count: int
    following_count: int
    followed_by_reader: bool


@cache
def _profile() -> Select:
    """The user and their follow counts in one query: the profile is among the busiest pages."""

    def count(condition):
        return select(func.count()).select_from(followers).where(condition).scalar_subquery()

    reader = bindparam("reader", type_=Integer)
    return select(
        User,
        count(followers.c.followed_id == User.id),
        count(followers.c.follower_id == User.id),
        exists().where(followers.c.follower_id == reader, followers.c.followed_id == User.id),
    ).where(User.username == bindparam("username"))


def profile_by_username(username: str, reader: User) -> Profile | None:
    """The profile of the user with this username (in any letter case), as `reader` sees it."""
    params = {"username": normalize_username(username), "reader": reader.id}
    row = db.session.execute(_profile(), params).one_or_none()
    if row is None:
        return None
    user, followers_count, following_count, followed = row
    return Profile(user, followers_count, following_count, bool(followed) and user.id != reader.id)


@cache
def _signed_in_user() -> Select:
    # With the navbar's unread count (app/models/message.py) in the same query.
    return (
        select(User)
        .where(User.id == bindparam("id", type_=Integer))
        .options(undefer(User.unread_message_count))
    )


@cache
def _user_by_username() -> Select:
    return select(User).where(User.username == bindparam("username"))


def user_by_username(username: str) -> User | None:
    """The user with this username, in any letter case."""
    params = {"username": normalize_username(username)}
    return db.session.execute(_user_by_username(), params).scalar_one_or_none()


@login.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a login id (User.get_id), if it is still theirs."""
    user_id, _, rest = session_id.partition(":")
    generation, _, fingerprint = rest.partition(":")
    if not user_id.isdecimal() or not generation.isdecimal():
        return None
    user = db.session.execute(_signed_in_user(), {"id": int(user_id)}).scalar_one_or_none()
    if user is None or user.session_generation != int(generation):
        return None
    if not hmac.compare_digest(user.password_fingerprint(), fingerprint):
        return None
    return user
