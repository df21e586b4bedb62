"""A user as the REST API shows and changes them, and their bearer tokens, under the tutorial's
names.

Its counts are columns of User computed by the database, deferred: a single user loads
them in one query when first read, and a page of users loads them in the page's own query
(LOAD_COUNTS), so a page costs the same number of queries however many users it holds.
"""

from datetime import timedelta
from typing import TYPE_CHECKING, cast

from flask import url_for
from sqlalchemy.orm import undefer_group

from app.models.api_token import ApiToken
from app.models.avatar import avatar_url
from app.models.types import iso

if TYPE_CHECKING:
    from app.models.user import User

AVATAR_SIZE = 128
PROFILE_FIELDS = ("username", "email", "about_me")
# The group of User's counted columns the API shows, loaded together when asked for.
API_COUNTS = "api_counts"
# The option that loads a query's users with their counts, in the same statement.
LOAD_COUNTS = undefer_group(API_COUNTS)


class ApiMixin:
    """User's API methods under the tutorial's names (to_dict, from_dict, get_token)."""

    def to_dict(self, include_email: bool = False) -> dict:
        """The user as the REST API shows them, with when they joined and links to their
        posts; the email only when asked for (their own)."""
        user = cast("User", self)
        data = {
            "id": user.id,
            "username": user.username,
            "last_seen": iso(user.last_seen),
            "about_me": user.about_me,
            "created_at": iso(user.created_at),
            "post_count": user.post_total,
            "follower_count": user.follower_total,
            "following_count": user.following_total,
            "_links": {
                "self": url_for("api.get_user", id=user.id),
                "followers": url_for("api.get_followers", id=user.id),
                "following": url_for("api.get_following", id=user.id),
                "posts": url_for("api.get_user_posts", id=user.id),
                "avatar": avatar_url(user.username, user.email, AVATAR_SIZE),
            },
        }
        if include_email:
            data["email"] = user.email
        return data

    def from_dict(self, data: dict, new_user: bool = False) -> None:
        """Set the fields the API writes from checked input, in the form they are stored."""
        user = cast("User", self)
        user.update_profile(**{name: data[name] for name in PROFILE_FIELDS if name in data})
        if new_user and "password" in data:
            user.set_password(data["password"])

    def get_token(self, expires_in: int = 3600) -> str:
        """A new bearer token for the API, valid `expires_in` seconds (the caller commits)."""
        return ApiToken.issue(cast("User", self), timedelta(seconds=expires_in))

    def revoke_token(self, token: str | None = None) -> None:
        """Revoke this bearer token of the user, or all of them (the caller commits)."""
        ApiToken.revoke(cast("User", self), token)

    @staticmethod
    def check_token(token: str) -> "User | None":
        """The user of a valid bearer token; None if it is unknown, expired or revoked."""
        record = ApiToken.find(token)
        if record is None or record.user.is_suspended:
            return None
        return record.user
