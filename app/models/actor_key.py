"""Each local user's RSA key pair, which remote servers check the signatures of our requests
with (HTTP Signatures, as Mastodon speaks them). Made on first use; the newest row is the
key in use, and `flask users rotate-key NAME` replaces it. A copy of it outlives an account
deleted or suspended for a while (RetiredKey), to sign the account's farewell."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import CursorResult, ForeignKey, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.inbox_activity import URI_MAX
from app.models.types import UTCDateTime, utcnow

# What Mastodon makes and expects; a shorter key is refused by some servers.
KEY_SIZE = 2048


def new_key_pair() -> tuple[str, str]:
    """A new RSA key pair: the private key's PEM (PKCS#8) and the public key's."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    private_key_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_key_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_key_pem, public_key_pem.decode()


class ActorKey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def generate(user_id: int) -> "ActorKey":
        """A new key pair for the user, added to the session (the caller commits)."""
        private_key_pem, public_key_pem = new_key_pair()
        key = ActorKey(
            user_id=user_id, private_key_pem=private_key_pem, public_key_pem=public_key_pem
        )
        db.session.add(key)
        return key

    @staticmethod
    def current(user_id: int) -> "ActorKey | None":
        """The user's newest key, the one in use; None before the first is made."""
        query = (
            select(ActorKey)
            .where(ActorKey.user_id == user_id)
            .order_by(ActorKey.id.desc())
            .limit(1)
        )
        return db.session.scalar(query)


class RetiredKey(db.Model):
    """The key of an account that was deleted or suspended, kept only to sign the Delete of
    its actor while that is delivered (and tried again); pruned once it expires. The
    account's own key signs nothing more: a deleted account has none, and deliveries of a
    suspended one are dropped (app/activitypub/keys.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(URI_MAX))
    private_key_pem: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    @staticmethod
    def keep(key_id: str, key: ActorKey, lifetime: timedelta) -> "RetiredKey":
        """A copy of `key`, known by `key_id`, for `lifetime` (the caller commits)."""
        kept = RetiredKey(
            key_id=key_id, private_key_pem=key.private_key_pem, expires_at=utcnow() + lifetime
        )
        db.session.add(kept)
        db.session.flush()  # its id goes with the deliveries
        return kept

    @staticmethod
    def usable(id: int) -> "RetiredKey | None":
        kept = db.session.get(RetiredKey, id)
        return kept if kept is not None and kept.expires_at > utcnow() else None

    @staticmethod
    def prune(now: datetime | None = None) -> int:
        """Delete the expired copies; how many (the caller commits)."""
        result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            delete(RetiredKey).where(RetiredKey.expires_at <= (now or utcnow())),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount


class ActorKeyMixin:
    """User's key verbs: the key a request on their behalf is signed with, and its rotation."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]

    def actor_key(self) -> ActorKey:
        """The user's current key pair, made now if they have none (the caller commits)."""
        if self.id is None:
            db.session.flush()
        return ActorKey.current(self.id) or ActorKey.generate(self.id)

    def signing_key(self) -> str:
        """The PEM of the private key that signs requests made on this user's behalf."""
        return self.actor_key().private_key_pem

    def public_key_pem(self) -> str:
        """The PEM of the public key the user's actor document publishes."""
        return self.actor_key().public_key_pem

    def rotate_key(self) -> ActorKey:
        """Replace the user's key pair with a new one; the old private keys are deleted, so a
        leaked one signs nothing more (the caller commits)."""
        db.session.execute(delete(ActorKey).where(ActorKey.user_id == self.id))
        return ActorKey.generate(self.id)
