"""The key each local user's deliveries are signed with, for app/federation/delivery.py,
which knows senders only by id."""

from flask import Flask

from app.activitypub.documents import key_id
from app.extensions import db
from app.federation.delivery import SigningKey, set_key_loader
from app.models import User


def signing_key(user_id: int) -> SigningKey | None:
    """The local user's key and its id; None for a user gone, suspended or remote, whose
    deliveries are dropped."""
    user = db.session.get(User, user_id)
    if user is None or user.is_remote or user.is_suspended:
        return None
    private_key_pem = user.signing_key()
    db.session.commit()  # the key, if it was made just now
    return SigningKey(key_id(user), private_key_pem)


def init_app(app: Flask) -> None:
    set_key_loader(app, signing_key)
