"""Passwords: Argon2id hashes, the tutorial's Werkzeug hashes still accepted and upgraded, and
the reset link that dies when the password changes."""

import contextlib
import hashlib
import hmac
from functools import lru_cache
from typing import TYPE_CHECKING, Self

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import Select
from sqlalchemy.orm import Mapped
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models.tokens import read_token, signed_token

RESET_PURPOSE = "reset_password"


@lru_cache
def _password_hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def password_hasher() -> PasswordHasher:
    config = current_app.config
    return _password_hasher(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
    )


@lru_cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("an unguessable dummy password")


def spend_password_check_time(password: str) -> None:
    """Verify against a dummy hash, so an unknown user costs as much time as a wrong password."""
    hasher = password_hasher()
    with contextlib.suppress(VerificationError):
        hasher.verify(_dummy_hash(hasher), password)


class PasswordMixin:
    """User's password methods, under the tutorial's names (set_password, check_password,
    get_reset_password_token)."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]
        password_hash: Mapped[str | None]

        @classmethod
        def by_login(cls, username_or_email: str) -> Select[Self]: ...

    @classmethod
    def authenticate(cls, username_or_email: str, password: str) -> "Self | None":
        """The user with these credentials, taking about the same time whether or not they exist.

        A valid password stored under weaker settings is re-hashed (the caller commits).
        """
        user = db.session.scalar(cls.by_login(username_or_email))
        if user is None:
            spend_password_check_time(password)
            return None
        if not user.check_password(password):
            return None
        if user.password_needs_rehash():
            user.set_password(password)
        return user

    def set_password(self, password: str) -> None:
        self.password_hash = password_hasher().hash(password)

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        if not self.password_hash.startswith("$argon2"):
            # Hashes made by the tutorial's werkzeug generate_password_hash.
            return check_password_hash(self.password_hash, password)
        try:
            return password_hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def password_needs_rehash(self) -> bool:
        if not self.password_hash or not self.password_hash.startswith("$argon2"):
            return True
        return password_hasher().check_needs_rehash(self.password_hash)

    def password_fingerprint(self) -> str:
        """A short keyed digest of the password hash: it changes whenever the password does."""
        key = current_app.config["SECRET_KEY"].encode()
        digest = hmac.new(key, (self.password_hash or "").encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def get_reset_password_token(self, expires_in: int | None = None) -> str:
        """A signed link token that resets this password once: it dies when the password changes."""
        ttl = expires_in or current_app.config["RESET_TOKEN_TTL"]
        return signed_token(RESET_PURPOSE, ttl, sub=str(self.id), pwd=self.password_fingerprint())

    @classmethod
    def verify_reset_password_token(cls, token: str) -> "Self | None":
        """The user a valid, unexpired, unused reset token is for; None for anything else."""
        claims = read_token(token, RESET_PURPOSE, required=["sub", "pwd"])
        if claims is None or not str(claims["sub"]).isdecimal():
            return None
        user = db.session.get(cls, int(claims["sub"]))
        if user is None or user.password_fingerprint() != claims["pwd"]:
            return None
        return user
