"""A user as the REST API shows them (User.to_dict).

Its counts are columns of User computed by the database, deferred: a single user loads
them in one query when first read, and a page of users loads them in the page's own query
(LOAD_COUNTS), so a page costs the same number of queries however many users it holds.
"""

from flask import url_for
from sqlalchemy.orm import undefer_group

from app.models.avatar import avatar_url
from app.models.types import iso
from app.models.user import API_COUNTS, User

AVATAR_SIZE = 128


# The option that loads a query's users with their counts, in the same statement.
LOAD_COUNTS = undefer_group(API_COUNTS)


def user_to_dict(user: User, include_email: bool = False) -> dict:
    """The tutorial's dictionary of a user, with when they joined and a link to their posts."""
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
