"""Which local user, post of ours or post from elsewhere an id in an activity names."""

import re

from sqlalchemy import select

from app.activitypub.documents import site_url
from app.extensions import db
from app.models import Post, User, user_by_username
from app.models.moderation import LISTED

LOCAL_ACTOR = re.compile(r"users/([^/?#]+)")
LOCAL_POST = re.compile(r"post/(\d{1,10})")


def object_id(value: object) -> str | None:
    """The id of an actor or object, given as a string or an object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def local_user(uri: str | None) -> User | None:
    """The local user whose actor `uri` is, if any (not one suspended)."""
    site = site_url()
    if uri is None or not uri.startswith(site):
        return None
    match = LOCAL_ACTOR.fullmatch(uri[len(site) :])
    user = user_by_username(match.group(1)) if match else None
    if user is None or user.is_remote or user.is_suspended:
        return None
    return user


def local_post(uri: str | None) -> Post | None:
    """The listed post of ours whose Note `uri` is, if any."""
    site = site_url()
    if uri is None or not uri.startswith(site):
        return None
    match = LOCAL_POST.fullmatch(uri[len(site) :])
    post = db.session.get(Post, int(match.group(1))) if match and len(match.group(1)) < 10 else None
    if post is None or post.uri is not None or post.hidden != LISTED:
        return None
    return post


def remote_post(uri: str | None) -> Post | None:
    return db.session.scalar(select(Post).where(Post.uri == uri)) if uri else None
