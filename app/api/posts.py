"""Posts: read anyone's, write your own, and read your timeline (all with a token)."""

from flask import url_for
from flask_babel import _
from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from app.api.auth import token_required, token_user
from app.api.blueprint import MAX_ID, bp
from app.api.errors import fail
from app.api.inputs import json_object, text_fields
from app.api.paging import collection
from app.api.users import get_user_or_404
from app.auth.confirmation import UNCONFIRMED
from app.extensions import db
from app.models import Post, User
from app.models.moderation import listed_conditions
from app.models.types import iso
from app.post_pages import post_pages

MAX_BODY = 280


def confirmed_author() -> User:
    """The token's user, who may write only once their email address is confirmed."""
    user = token_user()
    if not user.is_confirmed:
        fail(403, str(UNCONFIRMED))
    return user


def post_to_dict(post: Post) -> dict:
    return {
        "id": post.id,
        "body": post.body,
        "timestamp": iso(post.timestamp),
        "language": post.language,
        "author": {
            "id": post.author.id,
            "username": post.author.username,
            "_links": {"self": url_for("api.get_user", id=post.author.id)},
        },
        "_links": {"self": url_for("api.get_post", id=post.id)},
    }


def post_collection(query: Select, endpoint: str, **view_args) -> dict:
    """A page of posts, with their authors loaded in the same query."""
    # The root entity is Post or, for a timeline, an alias of Post over a UNION.
    post = query.column_descriptions[0]["entity"]
    return collection(
        query, post_to_dict, endpoint, loading=(joinedload(post.author),), **view_args
    )


@bp.get("/posts/<id:id>")
@token_required
def get_post(id: int):
    """One post."""
    post = db.session.get(Post, id) if id <= MAX_ID else None
    # A hidden post is there for its author and the admins only.
    hidden = post is not None and post.hidden and not listed_for(post, token_user())
    if post is None or hidden:
        fail(404, _("There is no post with this id."))
    return post_to_dict(post)


def listed_for(post: Post, reader: User) -> bool:
    return reader.is_admin or post.user_id == reader.id


@bp.get("/posts")
@token_required
def get_posts():
    """Everyone's posts, newest first."""
    listed = listed_conditions(token_user())
    return post_collection(Post.newest_first(*listed), "api.get_posts")


@bp.get("/users/<id:id>/posts")
@token_required
def get_user_posts(id: int):
    """One user's posts, newest first."""
    user = get_user_or_404(id)
    posts = user.posts_newest_first().where(*listed_conditions(token_user(), authors=False))
    return post_collection(posts, "api.get_user_posts", id=id)


@bp.get("/timeline")
@token_required
def get_timeline():
    """Your own posts and those of the people you follow, newest first."""
    return post_collection(post_pages().timeline(token_user()), "api.get_timeline")


@bp.post("/posts")
@token_required
def create_post():
    """Write a post."""
    author = confirmed_author()
    body = (text_fields(json_object(), required=("body",))["body"] or "").strip()
    if not body:
        fail(400, _("The request has invalid fields."), {"body": [_("Write something.")]})
    if len(body) > MAX_BODY:
        message = _("At most %(count)d characters.", count=MAX_BODY)
        fail(400, _("The request has invalid fields."), {"body": [message]})
    post = Post.write(author, body)
    db.session.commit()
    return post_to_dict(post), 201, {"Location": url_for("api.get_post", id=post.id)}
