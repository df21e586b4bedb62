"""Private messages between users."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Select, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User


class Message(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(String(280))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped["User"] = relationship(foreign_keys=[sender_id])
    recipient: Mapped["User"] = relationship(foreign_keys=[recipient_id])

    __table_args__ = (
        # A user's inbox, newest first, and the count of what arrived since they last looked.
        Index("ix_message_recipient_id_timestamp", "recipient_id", "timestamp"),
    )

    def __repr__(self) -> str:
        return f"<Message {self.body[:20]!r}>"

    @staticmethod
    def received_by(user: "User") -> Select:
        return (
            select(Message)
            .where(Message.recipient_id == user.id)
            .order_by(Message.timestamp.desc(), Message.id.desc())
        )

    @staticmethod
    def unread_count(user: "User") -> int:
        query = select(func.count()).where(Message.recipient_id == user.id)
        if user.last_message_read_time is not None:
            query = query.where(Message.timestamp > user.last_message_read_time)
        return db.session.scalar(query) or 0
