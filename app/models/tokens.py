"""Signed JWTs that say what they are for: a token made for one purpose is refused for any other."""

from datetime import timedelta
from typing import Any

import jwt
from flask import current_app

from app.models.types import utcnow

ALGORITHM = "HS256"


def signed_token(purpose: str, expires_in: int, **claims: Any) -> str:
    now = utcnow()
    claims |= {"purpose": purpose, "iat": now, "exp": now + timedelta(seconds=expires_in)}
    return jwt.encode(claims, current_app.config["SECRET_KEY"], algorithm=ALGORITHM)


def read_token(token: str, purpose: str, required: list[str]) -> dict[str, Any] | None:
    """The claims of a valid, unexpired token made for `purpose`; None for anything else."""
    try:
        claims = jwt.decode(
            token,
            current_app.config["SECRET_KEY"],
            algorithms=[ALGORITHM],
            options={"require": ["purpose", "iat", "exp", *required]},
        )
    except jwt.InvalidTokenError:
        return None
    return claims if claims["purpose"] == purpose else None
