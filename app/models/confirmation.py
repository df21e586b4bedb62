"""Email confirmation: a signed link proves the owner reads the address they signed up with."""

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from flask import current_app
from sqlalchemy import CursorResult, delete
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.tokens import read_token, signed_token
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User

CONFIRM_PURPOSE = "confirm_email"


class Confirmation(enum.Enum):
    DONE = "done"
    ALREADY = "already"
    INVALID = "invalid"


class ConfirmationMixin:
    """User's confirmation rules, and its column."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]
        email: Mapped[str | None]

    # None until the owner follows the emailed link. Only sign-up makes unconfirmed accounts;
    # any other made by code (seeding, tests) counts as confirmed. evaluates_none: an explicit
    # None is stored as NULL, where the ORM would put the default.
    confirmed_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime().evaluates_none(), default=utcnow
    )

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def get_confirmation_token(self) -> str:
        """A signed link token that confirms this address, and no other the account gets later."""
        ttl = current_app.config["CONFIRM_TOKEN_TTL"]
        return signed_token(CONFIRM_PURPOSE, ttl, sub=str(self.id), email=self.email)

    @classmethod
    def confirm_with_token(cls, token: str) -> Confirmation:
        """Confirm the account a valid token is for (the caller commits); a link that is
        altered, expired or for an address the account no longer has is INVALID."""
        claims = read_token(token, CONFIRM_PURPOSE, required=["sub", "email"])
        if claims is None or not str(claims["sub"]).isdecimal():
            return Confirmation.INVALID
        user = db.session.get(cls, int(claims["sub"]))
        if user is None or user.email != claims["email"]:
            return Confirmation.INVALID
        if user.is_confirmed:
            return Confirmation.ALREADY
        user.confirmed_at = utcnow()
        return Confirmation.DONE

    @classmethod
    def prune_unconfirmed(cls: type[Self], days: int) -> int:
        """Delete the accounts left unconfirmed more than `days` days; how many (the caller
        commits). Their rows elsewhere go with them (ON DELETE CASCADE)."""
        user: type[User] = cls  # type: ignore[assignment]
        cutoff = utcnow() - timedelta(days=days)
        result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            delete(user).where(user.confirmed_at.is_(None), user.created_at < cutoff),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount
