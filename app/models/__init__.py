"""The database models, one module a concept, and the rules that belong to them."""

from app.models.post import Post
from app.models.types import UTCDateTime, utcnow
from app.models.user import (
    User,
    followers,
    load_user,
    normalize_email,
    normalize_username,
    password_hasher,
    spend_password_check_time,
)

__all__ = [
    "Post",
    "User",
    "UTCDateTime",
    "followers",
    "load_user",
    "normalize_email",
    "normalize_username",
    "password_hasher",
    "spend_password_check_time",
    "utcnow",
]
