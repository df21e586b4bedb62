"""Users: the account's columns and relationships, under the tutorial's names; the verbs of each
concept (profile, passwords, follows, messages, tasks, the API) come from its mixin."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Select, String, false, func, literal, null, or_, select, text, union_all
from sqlalchemy.orm import (
    Mapped,
    WriteOnlyMapped,
    aliased,
    column_property,
    mapped_column,
    relationship,
)

from app.extensions import db
from app.models.actor_key import ActorKeyMixin
from app.models.alert import Alert, AlertsMixin
from app.models.blocks import BlockMixin
from app.models.confirmation import ConfirmationMixin
from app.models.follow_request import FollowRequestMixin
from app.models.followers import FollowMixin, followers
from app.models.login_session import LoginSession, SessionsMixin
from app.models.message import Message, MessagesMixin
from app.models.moderation import ModeratorMixin
from app.models.notification import Notification, NotificationsMixin
from app.models.passwords import PasswordMixin
from app.models.post import Post
from app.models.profile import ProfileMixin
from app.models.reactions import Like, ReactionsMixin, boosts_seen_by
from app.models.remote_actor import RemoteMixin
from app.models.task import Task, TasksMixin
from app.models.types import UTCDateTime, utcnow
from app.models.user_api import API_COUNTS, ApiMixin
from app.models.user_domain_block import DomainBlockMixin
from app.models.username import LookalikeMixin


def _counted(table, condition, **options):
    """A column that counts the rows of `table` meeting `condition`, deferred."""
    query = select(func.count()).select_from(table).where(condition)
    return column_property(
        query.correlate_except(table).scalar_subquery(), deferred=True, **options
    )


class User(
    ProfileMixin,
    SessionsMixin,
    ConfirmationMixin,
    LookalikeMixin,
    PasswordMixin,
    FollowMixin,
    ReactionsMixin,
    MessagesMixin,
    AlertsMixin,
    NotificationsMixin,
    TasksMixin,
    ApiMixin,
    BlockMixin,
    DomainBlockMixin,
    ModeratorMixin,
    FollowRequestMixin,
    ActorKeyMixin,
    RemoteMixin,
    UserMixin,
    db.Model,
):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    # username_skeleton: see LookalikeMixin (app/models/username.py).
    # NULL for the accounts of other servers (RemoteMixin, app/models/remote_actor.py).
    email: Mapped[str | None] = mapped_column(String(120), unique=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    about_me: Mapped[str | None] = mapped_column(String(140))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_read_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Alerts (mentions) up to this time have been seen: see AlertsMixin (app/models/alert.py).
    last_alert_read_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language picked in the navbar (a code of LANGUAGES); None: the browser's.
    locale: Mapped[str | None] = mapped_column(String(16))
    # The colour theme picked in the navbar ("auto", "light", "dark"); None: never picked.
    theme: Mapped[str | None] = mapped_column(String(8))
    # Moderation (app/models/moderation.py): admins made with `flask users promote NAME`.
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many users this one blocks or mutes (BlockMixin): lists filter only when there are any.
    block_total: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # confirmed_at: see ConfirmationMixin (app/models/confirmation.py).
    # Every page's navbar shows it: loaded in the same query as the signed-in user (load_user).
    unread_messages: Mapped[int] = _counted(
        Message.__table__, Message.unread(id, last_message_read_time)
    )
    unread_alerts: Mapped[int] = _counted(
        Alert.__table__, Alert.unread(id, last_alert_read_time, block_total)
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

    def following_posts(self) -> Select:
        """The user's own posts and those of everyone they follow, newest first; and the posts
        they or anyone they follow boosted. Each post comes once: at its newest such boost
        (boosted_by: the booster's name), else at its own time (boosted_by None).

        The book's query plus boosts, and the definition of a timeline: the speed-ups read
        the same rows faster (app/speedups/timeline.py), tested equal to this.
        """
        author = aliased(User)
        follower = aliased(User)
        written = (
            select(
                Post.id.label("post_id"),
                Post.timestamp.label("at"),
                null().label("booster_id"),
                literal(0).label("boost_id"),
            )
            .join(Post.author.of_type(author))
            .join(author.followers.of_type(follower), isouter=True)
            .where(or_(follower.id == self.id, author.id == self.id))
        )
        entry = union_all(written, boosts_seen_by(self.id)).subquery("entry")
        # The newest boost first; the post's own place only when no boost is seen.
        newest = (entry.c.boost_id == 0, entry.c.at.desc(), entry.c.boost_id.desc())
        rank = func.row_number().over(partition_by=entry.c.post_id, order_by=newest)
        ranked = select(*entry.c, rank.label("rank")).subquery("ranked")
        booster = aliased(User)
        return (
            select(Post, booster.username.label("boosted_by"))
            .join(ranked, Post.id == ranked.c.post_id)
            .join(booster, booster.id == ranked.c.booster_id, isouter=True)
            .where(ranked.c.rank == 1)
            .order_by(ranked.c.at.desc(), Post.id.desc())
        )

    @classmethod
    def likers_of(cls, post: Post) -> Select:
        """Who liked the post, newest like first."""
        order = (Like.timestamp.desc(), Like.id.desc())
        return (
            select(cls)
            .join(Like, Like.user_id == cls.id)
            .where(Like.post_id == post.id)
            .order_by(*order)
        )

    def posts_newest_first(self) -> Select:
        return Post.newest_first(Post.user_id == self.id)

    def get_id(self) -> str:
        # Flask-Login's alternative id: sessions and remember-me cookies die with the password
        # and with their sign-in record (app/models/login_session.py).
        fingerprint = self.password_fingerprint()
        return f"{self.id}:{fingerprint}:{self.login_session_id}"

    def end_sessions(self) -> None:
        """End every session and remember-me cookie of this user, on every device (the caller
        commits)."""
        LoginSession.end_all(self)

    def seen_now(self, every_seconds: int = 300) -> bool:
        """Record a visit, at most once every few minutes, so pages need not write on every hit."""
        now = utcnow()
        if self.last_seen and (now - self.last_seen).total_seconds() < every_seconds:
            return False
        self.last_seen = now
        return True
