"""Notifications: small named JSON payloads the page polls for (unread count, task progress)."""

import json
import time
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Double, ForeignKey, Index, Select, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

if TYPE_CHECKING:
    from app.models.user import User


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # Seconds since the epoch, so a client can ask for everything after ?since=<float>;
    # a double everywhere (MariaDB's FLOAT would round it to minutes).
    timestamp: Mapped[float] = mapped_column(Double, default=time.time)
    payload_json: Mapped[str] = mapped_column(Text)

    user: Mapped["User"] = relationship(back_populates="notifications")

    __table_args__ = (Index("ix_notification_user_id_timestamp", "user_id", "timestamp"),)

    def get_data(self) -> Any:
        return json.loads(self.payload_json)

    @staticmethod
    def replace(user: "User", name: str, data: Any) -> "Notification":
        """Keep one notification of each name per user: the newest one (the caller commits)."""
        return Notification.replace_for(user.id, name, data)

    @staticmethod
    def replace_for(user_id: int, name: str, data: Any) -> "Notification":
        """replace() for the user with this id, where only their id is at hand."""
        db.session.execute(
            delete(Notification).where(Notification.user_id == user_id, Notification.name == name)
        )
        notification = Notification(name=name, user_id=user_id, payload_json=json.dumps(data))
        db.session.add(notification)
        return notification

    @staticmethod
    def since(user: "User", timestamp: float) -> Select:
        return (
            select(Notification)
            .where(Notification.user_id == user.id, Notification.timestamp > timestamp)
            .order_by(Notification.timestamp.asc())
        )


class NotificationsMixin:
    """User's notifications under the tutorial's name (add_notification)."""

    def add_notification(self, name: str, data: Any) -> Notification:
        """Replace the user's notification called `name` with `data` (the caller commits)."""
        return Notification.replace(cast("User", self), name, data)
