"""Bearer tokens for the REST API. Only a hash is stored: a leaked table grants nothing."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()

    @staticmethod
    def issue(user: "User", lifetime: timedelta) -> str:
        """Create a token for `user` and return it; it is never readable again (caller commits)."""
        token = secrets.token_urlsafe(32)
        db.session.add(
            ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + lifetime)
        )
        return token

    @staticmethod
    def find(token: str) -> "ApiToken | None":
        """The unexpired token record for this bearer token, if any."""
        record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
        if record is None or record.expires_at <= utcnow():
            return None
        return record
