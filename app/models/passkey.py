"""Passkeys (WebAuthn credentials): a public key a user's authenticator signs with, in place
of a password or as a second factor. Only public material is stored: a leaked table grants
nothing."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String, select
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User

# WebAuthn caps credential ids at 1023 bytes; MariaDB indexes only a VARBINARY, not a BLOB.
MAX_CREDENTIAL_ID_LENGTH = 1023
CREDENTIAL_ID = LargeBinary(MAX_CREDENTIAL_ID_LENGTH).with_variant(
    mysql.VARBINARY(MAX_CREDENTIAL_ID_LENGTH), "mysql", "mariadb"
)
MAX_NAME_LENGTH = 64


class Passkey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(CREDENTIAL_ID, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    # The authenticator's signature counter: one that goes backwards betrays a copied key.
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    # How the browser may reach the authenticator ("usb", "internal", "hybrid"...).
    transports: Mapped[list[Any]] = mapped_column(JSON, default=list)
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()

    @staticmethod
    def of(user: "User") -> list["Passkey"]:
        """The user's passkeys, oldest first."""
        query = select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)
        return list(db.session.scalars(query))

    @staticmethod
    def by_credential_id(credential_id: bytes) -> "Passkey | None":
        return db.session.scalar(select(Passkey).where(Passkey.credential_id == credential_id))

    def record_use(self, sign_count: int) -> None:
        """Remember a verified sign-in with this passkey (caller commits)."""
        self.sign_count = sign_count
        self.last_used_at = utcnow()
