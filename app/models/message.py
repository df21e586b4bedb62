"""Private messages between users, and the count of those a user has not read."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    Select,
    String,
    and_,
    false,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.inbox_activity import URI_MAX
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User


class Message(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(String(280))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A message from another server: its Note's id, which a Delete names (NULL for ours).
    uri: Mapped[str | None] = mapped_column(String(URI_MAX), index=True)
    # When its author last changed its text (an Update of its Note), if ever.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped["User"] = relationship(foreign_keys=[sender_id], back_populates="messages_sent")
    recipient: Mapped["User"] = relationship(
        foreign_keys=[recipient_id], back_populates="messages_received"
    )

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
    def sent_by(user: "User") -> Select:
        return (
            select(Message)
            .where(Message.sender_id == user.id)
            .order_by(Message.timestamp.desc(), Message.id.desc())
        )

    @staticmethod
    def between(user: "User", other: "User") -> Select:
        """The messages `user` and `other` sent each other, newest first: only ever a
        conversation `user` is in."""
        return (
            select(Message)
            .where(
                or_(
                    and_(Message.sender_id == user.id, Message.recipient_id == other.id),
                    and_(Message.sender_id == other.id, Message.recipient_id == user.id),
                )
            )
            .order_by(Message.timestamp.desc(), Message.id.desc())
        )

    @staticmethod
    def mark_read(user: "User", until: datetime) -> None:
        """Count what `user` received until `until` as read (the caller commits).

        Never a time to come, and never earlier than before: a page left open in another tab
        cannot bring back messages already read.
        """
        until = min(until, utcnow())
        if user.last_message_read_time is None or until > user.last_message_read_time:
            user.last_message_read_time = until

    @staticmethod
    def unread(recipient_id, read_until) -> ColumnElement[bool]:
        """The messages to `recipient_id` that arrived after `read_until` (all while it is
        NULL): columns of User, for its unread_messages."""
        return and_(
            Message.recipient_id == recipient_id,
            or_(read_until.is_(None), Message.timestamp > read_until),
        )


class MessagesMixin:
    """User's unread count under the tutorial's name (unread_message_count), and whether
    their messages to people of other servers may leave the site."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]
        unread_messages: Mapped[int]

    # Opted in on the edit-profile page: such messages go out as direct Notes, which the
    # servers on the way can read (app/activitypub/direct.py).
    fediverse_messages: Mapped[bool] = mapped_column(default=False, server_default=false())

    def unread_message_count(self) -> int:
        """Messages received since the user last read them (loaded with the signed-in user)."""
        return self.unread_messages or 0

    def count_unread_messages(self) -> int:
        """unread_message_count(), counted anew: after a message arrives or is read."""
        user = type(self)
        return db.session.scalar(select(user.unread_messages).where(user.id == self.id)) or 0
