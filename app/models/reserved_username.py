"""Usernames of deleted accounts, kept from new sign-ups for a while so nobody can pose as
the person who just left."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Select, String, delete, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.username import normalize_username, skeleton


class ReservedUsername(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # Look-alikes of the name are kept too (app/models/username.py).
    username_skeleton: Mapped[str] = mapped_column(String(512), index=True)
    reserved_until: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    @classmethod
    def reserve(cls, username: str, days: int) -> None:
        """Keep `username` and its look-alikes from sign-ups for `days` days (caller commits)."""
        db.session.execute(delete(cls).where(cls.username == username))
        until = utcnow() + timedelta(days=days)
        db.session.add(cls(username=username, username_skeleton=skeleton(username),
                           reserved_until=until))  # fmt: skip

    @classmethod
    def lookalike(cls, username: str, now: datetime | None = None) -> Select:
        """The id of a reservation, still running, of this name or one that looks like it."""
        return (
            select(cls.id)
            .where(
                or_(
                    cls.username == normalize_username(username),
                    cls.username_skeleton == skeleton(username),
                ),
                cls.reserved_until > (now or utcnow()),
            )
            .limit(1)
        )

    @classmethod
    def prune(cls, now: datetime | None = None) -> int:
        """Delete the reservations that ended; how many (the caller commits)."""
        result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            delete(cls).where(cls.reserved_until <= (now or utcnow())),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount
