"""Posts: read anyone's, write your own, and read your timeline (all with a token)."""

from flask import url_for
from flask_babel import _
from sqlalchemy import Select
from sqlalchemy.orm import joinedload, selectinload

from app.api.auth import token_required, token_user
from app.api.blueprint import MAX_ID, bp
from app.api.errors import fail
from app.api.images import image_to_dict, is_multipart, multipart_post
from app.api.inputs import json_object, text_fields
from app.api.paging import collection
from app.api.users import get_user_or_404
from app.auth.confirmation import UNCONFIRMED
from app.extensions import db
from app.media.uploads import accepts_images, commit_or_remove, stored_images
from app.models import Post, User
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
        "images": [image_to_dict(image) for image in post.images],
        "author": {
            "id": post.author.id,
            "username": post.author.username,
            "_links": {"self": url_for("api.get_user", id=post.author.id)},
        },
        "_links": {"self": url_for("api.get_post", id=post.id)},
    }


def post_collection(query: Select, endpoint: str, **view_args) -> dict:
    """A page of posts, with their authors loaded in the same query (their images in one more)."""
    # The root entity is Post or, for a timeline, an alias of Post over a UNION.
    post = query.column_descriptions[0]["entity"]
    loading = (joinedload(post.author), selectinload(post.images))
    return collection(query, post_to_dict, endpoint, loading=loading, **view_args)


@bp.get("/posts/<id:id>")
@token_required
def get_post(id: int):
    """One post."""
    post = db.session.get(Post, id) if id <= MAX_ID else None
    if post is None:
        fail(404, _("There is no post with this id."))
    return post_to_dict(post)


@bp.get("/posts")
@token_required
def get_posts():
    """Everyone's posts, newest first."""
    return post_collection(Post.newest_first(), "api.get_posts")


@bp.get("/users/<id:id>/posts")
@token_required
def get_user_posts(id: int):
    """One user's posts, newest first."""
    user = get_user_or_404(id)
    return post_collection(user.posts_newest_first(), "api.get_user_posts", id=id)


@bp.get("/timeline")
@token_required
def get_timeline():
    """Your own posts and those of the people you follow, newest first."""
    return post_collection(post_pages().timeline(token_user()), "api.get_timeline")


@bp.post("/posts")
@accepts_images
@token_required
def create_post():
    """Write a post: JSON, or multipart/form-data with up to four images and their alt text."""
    author = confirmed_author()
    if is_multipart():
        body, uploads = multipart_post()
    else:
        body, uploads = text_fields(json_object(), required=("body",))["body"] or "", []
    body = body.strip()
    if not body:
        fail(400, _("The request has invalid fields."), {"body": [_("Write something.")]})
    if len(body) > MAX_BODY:
        message = _("At most %(count)d characters.", count=MAX_BODY)
        fail(400, _("The request has invalid fields."), {"body": [message]})
    images, written = stored_images(uploads)
    post = Post.write(author, body, images)
    commit_or_remove(written)
    return post_to_dict(post), 201, {"Location": url_for("api.get_post", id=post.id)}
