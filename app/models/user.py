"""Users: accounts, who follows whom, and the tutorial's names for what a user does."""

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Select, String, func, or_, select, text
from sqlalchemy.orm import (
    Mapped,
    WriteOnlyMapped,
    aliased,
    column_property,
    mapped_column,
    relationship,
    validates,
)

from app.extensions import db
from app.models.api_token import ApiToken
from app.models.avatar import avatar_url
from app.models.confirmation import ConfirmationMixin
from app.models.followers import followers
from app.models.login_session import LoginSession, SessionsMixin
from app.models.message import Message
from app.models.notification import Notification
from app.models.passwords import PasswordMixin
from app.models.post import Post
from app.models.task import Task
from app.models.tokens import read_token, signed_token
from app.models.types import UTCDateTime, utcnow
from app.models.username import normalize_username, skeleton

RESET_PURPOSE = "reset_password"
PROFILE_FIELDS = ("username", "email", "about_me")
# The API's counts of a user (app/models/user_api.py), loaded together when asked for.
API_COUNTS = "api_counts"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _count_followers_where(condition) -> int:
    return db.session.scalar(select(func.count()).select_from(followers).where(condition)) or 0


def _counted(table, condition, **options):
    """A column that counts the rows of `table` meeting `condition`, deferred."""
    query = select(func.count()).select_from(table).where(condition)
    return column_property(
        query.correlate_except(table).scalar_subquery(), deferred=True, **options
    )


def _skeleton_of_inserted_username(context) -> str:
    # For inserts that bypass the ORM object (bulk seeding); objects set it in _set_skeleton.
    return skeleton(context.get_current_parameters()["username"])


class User(SessionsMixin, ConfirmationMixin, PasswordMixin, UserMixin, db.Model):
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
    # confirmed_at: see ConfirmationMixin (app/models/confirmation.py).
    # Every page's navbar shows it: loaded in the same query as the signed-in user (load_user).
    unread_messages: Mapped[int] = _counted(
        Message.__table__, Message.unread(id, last_message_read_time)
    )
    post_total: Mapped[int] = _counted(Post.__table__, Post.user_id == id, group=API_COUNTS)
    follower_total: Mapped[int] = _counted(
        followers, followers.c.followed_id == id, group=API_COUNTS
    )
    following_total: Mapped[int] = _counted(
        followers, followers.c.follower_id == id, group=API_COUNTS
    )

    posts: WriteOnlyMapped["Post"] = relationship(back_populates="author", passive_deletes=True)
    messages_sent: WriteOnlyMapped["Message"] = relationship(
        foreign_keys="Message.sender_id", back_populates="author", passive_deletes=True
    )
    messages_received: WriteOnlyMapped["Message"] = relationship(
        foreign_keys="Message.recipient_id", back_populates="recipient", passive_deletes=True
    )
    notifications: WriteOnlyMapped[Notification] = relationship(
        back_populates="user", passive_deletes=True
    )
    tasks: WriteOnlyMapped[Task] = relationship(back_populates="user", passive_deletes=True)
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

    def avatar(self, size: int) -> str:
        """The URL of the user's avatar, `size` pixels square (in a request or outside one)."""
        return avatar_url(self.username, self.email, size)

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

    def following_posts(self) -> Select:
        """The user's own posts and those of everyone they follow, newest first.

        The book's query, and the definition of a timeline: the speed-ups read the same
        rows faster (app/speedups/timeline.py), tested equal to this.
        """
        author = aliased(User)
        follower = aliased(User)
        return (
            select(Post)
            .join(Post.author.of_type(author))
            .join(author.followers.of_type(follower), isouter=True)
            .where(or_(follower.id == self.id, author.id == self.id))
            .group_by(Post)
            .order_by(Post.timestamp.desc(), Post.id.desc())
        )

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

    def update_profile(self, **fields: str | None) -> None:
        """Change the username, email or about me given, each stored in its one form (the
        caller commits): the site's edit-profile form and the API's PUT both come here."""
        if "username" in fields:
            self.username = normalize_username(fields["username"] or "")
        if "email" in fields:
            self.email = normalize_email(fields["email"] or "")
        if "about_me" in fields:
            self.about_me = (fields["about_me"] or "").strip() or None

    def get_id(self) -> str:
        # Flask-Login's alternative id: sessions and remember-me cookies die with the password
        # and with their sign-in record (app/models/login_session.py).
        fingerprint = self.password_fingerprint()
        return f"{self.id}:{self.session_generation}:{fingerprint}:{self.login_session_id}"

    def end_sessions(self) -> None:
        """End every session and remember-me cookie of this user, on every device (the caller
        commits)."""
        # In SQL, so two logouts at once both count.
        self.session_generation = User.session_generation + 1
        LoginSession.end_all(self)

    def get_reset_password_token(self, expires_in: int | None = None) -> str:
        """A signed link token that resets this password once: it dies when the password changes."""
        ttl = expires_in or current_app.config["RESET_TOKEN_TTL"]
        return signed_token(RESET_PURPOSE, ttl, sub=str(self.id), pwd=self.password_fingerprint())

    @staticmethod
    def verify_reset_password_token(token: str) -> "User | None":
        """The user a valid, unexpired, unused reset token is for; None for anything else."""
        claims = read_token(token, RESET_PURPOSE, required=["sub", "pwd"])
        if claims is None or not str(claims["sub"]).isdecimal():
            return None
        user = db.session.get(User, int(claims["sub"]))
        if user is None or user.password_fingerprint() != claims["pwd"]:
            return None
        return user

    def unread_message_count(self) -> int:
        """Messages received since the user last read them (loaded with the signed-in user)."""
        return self.unread_messages or 0

    def count_unread_messages(self) -> int:
        """unread_message_count(), counted anew: after a message arrives or is read."""
        return db.session.scalar(select(User.unread_messages).where(User.id == self.id)) or 0

    def add_notification(self, name: str, data: Any) -> Notification:
        """Replace the user's notification called `name` with `data` (the caller commits)."""
        return Notification.replace(self, name, data)

    def launch_task(self, name: str, description: str, *args: Any) -> Task | None:
        """Start the background job `name` (app/tasks) for this user; None while one of that
        name is still running. Unlike the book's, it commits: the job must find its task."""
        return current_app.extensions["tasks"].launch(self, name, description, *args)

    def get_tasks_in_progress(self) -> list[Task]:
        return list(db.session.scalars(Task.in_progress(self)))

    def get_task_in_progress(self, name: str) -> Task | None:
        return db.session.scalar(Task.in_progress(self, name))

    def seen_now(self, every_seconds: int = 300) -> bool:
        """Record a visit, at most once every few minutes, so pages need not write on every hit."""
        now = utcnow()
        if self.last_seen and (now - self.last_seen).total_seconds() < every_seconds:
            return False
        self.last_seen = now
        return True

    # The tutorial's API names, backed by app/models/user_api.py and app/models/api_token.py.
    def to_dict(self, include_email: bool = False) -> dict:
        """The user as the REST API shows them; the email only when asked for (their own)."""
        # Imported here: user_api builds on User (its counts) and links to the API's views.
        from app.models.user_api import user_to_dict

        return user_to_dict(self, include_email)

    def from_dict(self, data: dict, new_user: bool = False) -> None:
        """Set the fields the API writes from checked input, in the form they are stored."""
        self.update_profile(**{name: data[name] for name in PROFILE_FIELDS if name in data})
        if new_user and "password" in data:
            self.set_password(data["password"])

    def get_token(self, expires_in: int = 3600) -> str:
        """A new bearer token for the API, valid `expires_in` seconds (the caller commits)."""
        return ApiToken.issue(self, timedelta(seconds=expires_in))

    def revoke_token(self, token: str | None = None) -> None:
        """Revoke this bearer token of the user, or all of them (the caller commits)."""
        ApiToken.revoke(self, token)

    @staticmethod
    def check_token(token: str) -> "User | None":
        """The user of a valid bearer token; None if it is unknown, expired or revoked."""
        record = ApiToken.find(token)
        return record.user if record is not None else None
