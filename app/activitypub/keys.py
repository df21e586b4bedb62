"""The key each local user's deliveries are signed with, for app/federation/delivery.py,
which knows senders only by id: a user's id, or for the farewell of an account deleted or
suspended (outbox.farewell), the id of the copy of its key kept for it (retired_sender)."""

from collections.abc import Hashable

from flask import Flask

# As a module: the outbox imports this one while documents.py may still be loading.
from app.activitypub import documents
from app.extensions import db
from app.federation.delivery import SigningKey, set_key_loader
from app.models import RetiredKey, User

RETIRED = "retired"


def retired_sender(kept: RetiredKey) -> tuple[str, int]:
    """The sender id of deliveries signed with a retired key."""
    return (RETIRED, kept.id)


def signing_key(sender_id: Hashable) -> SigningKey | None:
    """The local user's key and its id; None for a user gone, suspended or remote, whose
    deliveries are dropped. A retired key while it is kept."""
    if isinstance(sender_id, tuple) and sender_id[:1] == (RETIRED,):
        kept = RetiredKey.usable(sender_id[1])
        return SigningKey(kept.key_id, kept.private_key_pem) if kept is not None else None
    user = db.session.get(User, sender_id)
    if user is None or user.is_remote or user.is_suspended:
        return None
    private_key_pem = user.signing_key()
    db.session.commit()  # the key, if it was made just now
    return SigningKey(documents.key_id(user), private_key_pem)


def init_app(app: Flask) -> None:
    set_key_loader(app, signing_key)
