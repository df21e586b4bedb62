"""Signed JWTs for password reset links, bound to the user's current password."""

from datetime import timedelta

import jwt
from flask import current_app

from app.extensions import db
from app.models import User, utcnow

ALGORITHM = "HS256"
RESET_PURPOSE = "reset_password"


def make_reset_token(user: User) -> str:
    now = utcnow()
    claims = {
        "sub": str(user.id),
        "purpose": RESET_PURPOSE,
        # The token dies the moment the password changes, which makes it single-use.
        "pwd": user.password_fingerprint(),
        "iat": now,
        "exp": now + timedelta(seconds=current_app.config["RESET_TOKEN_TTL"]),
    }
    return jwt.encode(claims, current_app.config["SECRET_KEY"], algorithm=ALGORITHM)


def user_from_reset_token(token: str) -> User | None:
    """The user a valid, unexpired, unused reset token is for; None for anything else."""
    try:
        claims = jwt.decode(
            token,
            current_app.config["SECRET_KEY"],
            algorithms=[ALGORITHM],
            options={"require": ["sub", "purpose", "pwd", "iat", "exp"]},
        )
    except jwt.InvalidTokenError:
        return None
    if claims["purpose"] != RESET_PURPOSE or not str(claims["sub"]).isdigit():
        return None
    user = db.session.get(User, int(claims["sub"]))
    if user is None or user.password_fingerprint() != claims["pwd"]:
        return None
    return user
