"""Alerts: what others did that concerns a user (a mention now; replies, likes and boosts
can come under their own kind), newest first, and the count of those not yet seen."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, ForeignKey, Index, Select, String, and_, or_, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.post import Post
    from app.models.user import User

MENTION = "mention"


class Alert(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Who is told.
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    # Who did it, and to which post, if any.
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), index=True
    )
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped["User"] = relationship(foreign_keys=[actor_id])
    post: Mapped["Post | None"] = relationship()

    __table_args__ = (
        # A user's alerts newest first, and the count of those since they last looked.
        Index("ix_alert_user_id_timestamp", "user_id", "timestamp"),
    )

    def __repr__(self) -> str:
        return f"<Alert {self.kind} for {self.user_id}>"

    @staticmethod
    def mentions(post: "Post", user_ids: Iterable[int]) -> None:
        """Tell each of `user_ids` that `post` mentions them (the caller commits)."""
        for user_id in user_ids:
            db.session.add(Alert(user_id=user_id, kind=MENTION, actor_id=post.user_id, post=post))

    @staticmethod
    def received_by(user: "User") -> Select:
        """The user's alerts, newest first, each with who did it and their post."""
        return (
            select(Alert)
            .where(Alert.user_id == user.id)
            .options(joinedload(Alert.actor), joinedload(Alert.post))
            .order_by(Alert.timestamp.desc(), Alert.id.desc())
        )

    @staticmethod
    def unread(user_id, read_until) -> ColumnElement[bool]:
        """The alerts of `user_id` since `read_until` (all while it is NULL): columns of
        User, for its unread_alerts."""
        return and_(
            Alert.user_id == user_id, or_(read_until.is_(None), Alert.timestamp > read_until)
        )


class AlertsMixin:
    """User's alerts: the unread count the navbar shows, and marking them read."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]
        unread_alerts: Mapped[int]
        last_alert_read_time: Mapped[datetime | None]

    def unread_alert_count(self) -> int:
        """Alerts since the user last read them (loaded with the signed-in user)."""
        return self.unread_alerts or 0

    def count_unread_alerts(self) -> int:
        """unread_alert_count(), counted anew: after alerts arrive or are read."""
        user = type(self)
        return db.session.scalar(select(user.unread_alerts).where(user.id == self.id)) or 0

    def mark_alerts_read(self, until: datetime) -> None:
        """Count the alerts until `until` as read (the caller commits): never a time to come,
        never earlier than before (a page left open in another tab)."""
        until = min(until, utcnow())
        if self.last_alert_read_time is None or until > self.last_alert_read_time:
            self.last_alert_read_time = until
