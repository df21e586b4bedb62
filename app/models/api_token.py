"""Bearer tokens for the REST API. Only a hash is stored: a leaked table grants nothing."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, contains_eager, mapped_column, relationship

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
    # The password it was issued under (User.password_fingerprint): a new password revokes
    # it, even one set while the token was being issued. NULL: issued before tokens kept it.
    password_fingerprint: Mapped[str | None] = mapped_column(String(32))

    user: Mapped["User"] = relationship()

    @staticmethod
    def issue(user: "User", lifetime: timedelta) -> str:
        """Create a token for `user` and return it; it is never readable again (caller commits)."""
        token = secrets.token_urlsafe(32)
        record = ApiToken(
            user_id=user.id,
            token_hash=_digest(token),
            expires_at=utcnow() + lifetime,
            password_fingerprint=user.password_fingerprint(),
        )
        db.session.add(record)
        return token

    @staticmethod
    def find(token: str) -> "ApiToken | None":
        """The record of this bearer token, with its user, if it has neither expired nor
        outlived the password it was issued under."""
        query = (
            select(ApiToken)
            .join(ApiToken.user)
            .options(contains_eager(ApiToken.user))
            .where(ApiToken.token_hash == _digest(token))
        )
        record = db.session.scalar(query)
        if record is None or record.expires_at <= utcnow():
            return None
        issued_under = record.password_fingerprint or ""
        if not hmac.compare_digest(issued_under, record.user.password_fingerprint()):
            return None
        return record

    @staticmethod
    def revoke(user: "User", token: str | None = None) -> None:
        """Revoke this token of `user`, or with none given every one of theirs (caller commits)."""
        query = delete(ApiToken).where(ApiToken.user_id == user.id)
        if token is not None:
            query = query.where(ApiToken.token_hash == _digest(token))
        db.session.execute(query)
