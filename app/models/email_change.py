"""Changing an account's email address: a link to the new address makes the change, a link
to the old one undoes it for a while. Each change is a row, which the links are bound to."""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ForeignKey, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.profile import normalize_email
from app.models.tokens import read_token, signed_token
from app.models.types import UTCDateTime, utcnow
from app.models.user import User

CHANGE_PURPOSE = "change_email"
UNDO_PURPOSE = "undo_email_change"


class Outcome(enum.Enum):
    DONE = "done"
    TAKEN = "taken"  # another account has the address the link would give
    INVALID = "invalid"  # altered, expired, used, or for another state of the account


@dataclass
class Result:
    outcome: Outcome
    change: "EmailChange | None" = None


class EmailChange(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    old_email: Mapped[str] = mapped_column(String(120))
    new_email: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def latest_id(user: User) -> int:
        query = select(func.max(EmailChange.id)).where(EmailChange.user_id == user.id)
        return db.session.scalar(query) or 0

    @classmethod
    def request_token(cls, user: User, new_email: str) -> str:
        """A link token that moves `user` from their address to `new_email`, once: it dies when
        the address changes, or any change is made or undone meanwhile."""
        return signed_token(
            CHANGE_PURPOSE,
            current_app.config["CONFIRM_TOKEN_TTL"],
            sub=str(user.id),
            old=user.email,
            new=normalize_email(new_email),
            seq=cls.latest_id(user),
        )

    @classmethod
    def pending(cls, token: str) -> tuple[User, str] | None:
        """The user and new address a valid change token is for; None for anything else."""
        claims = read_token(token, CHANGE_PURPOSE, required=["sub", "old", "new", "seq"])
        if claims is None or not str(claims["sub"]).isdecimal():
            return None
        user = db.session.get(User, int(claims["sub"]))
        if user is None or user.email != claims["old"] or cls.latest_id(user) != claims["seq"]:
            return None
        return user, str(claims["new"])

    @classmethod
    def confirm(cls, token: str) -> Result:
        """Make the change a valid token asks for, if its address is still free (the caller
        commits, and catches IntegrityError: someone may take it meanwhile)."""
        found = cls.pending(token)
        if found is None:
            return Result(Outcome.INVALID)
        user, new_email = found
        if db.session.scalar(User.by_email(new_email)) is not None:
            return Result(Outcome.TAKEN)
        change = cls(user=user, old_email=user.email, new_email=new_email)
        user.email = new_email
        db.session.add(change)
        db.session.flush()
        return Result(Outcome.DONE, change)

    def undo_token(self) -> str:
        """The "this wasn't me" link's token, sent to the old address."""
        days = current_app.config["EMAIL_CHANGE_UNDO_DAYS"]
        return signed_token(UNDO_PURPOSE, days * 86400, sub=str(self.user_id), change=self.id)

    @classmethod
    def pending_undo(cls, token: str, now: datetime | None = None) -> "EmailChange | None":
        """The change a valid undo token is for, not undone and made less than
        EMAIL_CHANGE_UNDO_DAYS before `now`; None for anything else."""
        claims = read_token(token, UNDO_PURPOSE, required=["sub", "change"])
        if claims is None or not isinstance(claims["change"], int):
            return None
        change = db.session.get(cls, claims["change"])
        if change is None or str(change.user_id) != claims["sub"] or change.undone_at:
            return None
        days = current_app.config["EMAIL_CHANGE_UNDO_DAYS"]
        if (now or utcnow()) - change.changed_at >= timedelta(days=days):
            return None
        return change

    @classmethod
    def undo(cls, token: str, now: datetime | None = None) -> Result:
        """Give the account its old address back, with every change since undone too, and end
        every session (the caller commits, then asks for a password reset)."""
        change = cls.pending_undo(token, now)
        if change is None:
            return Result(Outcome.INVALID)
        user = change.user
        owner = db.session.scalar(User.by_email(change.old_email))
        if owner is not None and owner.id != user.id:
            return Result(Outcome.TAKEN, change)
        db.session.execute(
            update(cls)
            .where(cls.user_id == user.id, cls.id >= change.id, cls.undone_at.is_(None))
            .values(undone_at=now or utcnow())
        )
        user.email = change.old_email
        user.end_sessions()
        return Result(Outcome.DONE, change)
