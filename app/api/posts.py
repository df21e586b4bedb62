"""Posts: read anyone's, write your own, and read your timeline (all with a token)."""

from flask import url_for
from flask_babel import _
from sqlalchemy import Select
from sqlalchemy.orm import joinedload, selectinload

from app.activitypub import outbox
from app.activitypub.mentions import resolve_mentions
from app.api.auth import token_required, token_user
from app.api.blueprint import bp
from app.api.errors import fail
from app.api.images import image_to_dict, is_multipart, multipart_post
from app.api.inputs import json_object, text_fields
from app.api.paging import collection
from app.api.users import get_user_or_404
from app.auth.confirmation import UNCONFIRMED
from app.extensions import db
from app.media.uploads import accepts_images, commit_or_remove, stored_images
from app.models import Post, User
from app.models.domain_block import not_silenced
from app.models.moderation import listed_conditions, visible_post
from app.models.post_text import as_written
from app.models.types import iso
from app.post_lookup import ACROSS_A_BLOCK, HIDDEN_POST
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
        "in_reply_to": post.in_reply_to_id,
        "is_reply": post.is_reply,
        "edited_at": iso(post.edited_at) if post.edited_at else None,
        "like_count": post.like_count,
        "boost_count": post.boost_count,
        "hidden": bool(post.hidden),
        "html": post.body_html,
        "tags": [tag.name for tag in post.tags],
        "images": [image_to_dict(image) for image in post.images],
        "author": {
            "id": post.author.id,
            "username": post.author.username,
            "_links": {"self": url_for("api.get_user", id=post.author.id)},
        },
        "_links": {
            "self": url_for("api.get_post", id=post.id),
            "likes": url_for("api.get_likes", id=post.id),
            "replies": url_for("api.get_replies", id=post.id),
        },
    }


def timeline_item_to_dict(row) -> dict:
    """A timeline's post, with who boosted it there (None: it is there as written)."""
    post, boosted_by = row
    return {**post_to_dict(post), "boosted_by": boosted_by}


def post_collection(query: Select, endpoint: str, to_dict=post_to_dict, **view_args) -> dict:
    """A page of posts, with their authors loaded in the same query (their images in one more).
    A to_dict other than post_to_dict gets each row: a timeline's post and its booster."""
    # The root entity is Post or, for a timeline, an alias of Post over a UNION.
    post = query.column_descriptions[0]["entity"]
    loading = (joinedload(post.author), selectinload(post.tags), selectinload(post.images))
    rows = to_dict is not post_to_dict
    return collection(query, to_dict, endpoint, loading=loading, rows=rows, **view_args)


def get_post_or_404(id: int) -> Post:
    """The post, if the token's user may see it: a hidden post only its author and the admins."""
    post = visible_post(id, token_user())
    if post is None:
        fail(404, _("There is no post with this id."))
    return post


def get_post_to_react_or_403(id: int) -> Post:
    """The post, to like or boost: listed, and with no block between its author and the
    token's user."""
    post = get_listed_post_or_403(id)
    if token_user().either_blocks(post.author):
        fail(403, str(ACROSS_A_BLOCK))
    return post


def get_listed_post_or_403(id: int) -> Post:
    """The post, to like, boost or report: 403 saying why for a hidden one."""
    post = get_post_or_404(id)
    if post.hidden:
        fail(403, str(HIDDEN_POST))
    return post


@bp.get("/posts/<id:id>")
@token_required
def get_post(id: int):
    """One post."""
    return post_to_dict(get_post_or_404(id))


@bp.get("/posts/<id:id>/replies")
@token_required
def get_replies(id: int):
    """The replies to a post, oldest first (less hidden ones, and those of authors the reader
    blocks or mutes)."""
    replies = get_post_or_404(id).replies_oldest_first()
    listed = replies.where(*listed_conditions(token_user()))
    return post_collection(listed, "api.get_replies", id=id)


@bp.get("/posts")
@token_required
def get_posts():
    """Everyone's posts, newest first."""
    listed = [*listed_conditions(token_user()), not_silenced(Post.user_id)]
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
    """Your own posts and those of the people you follow, newest first; and the posts they
    boosted, each once, with who boosted it."""
    timeline = post_pages().timeline(token_user())
    return post_collection(timeline, "api.get_timeline", to_dict=timeline_item_to_dict)


def post_body(data: dict) -> str:
    """The "body" field of a post's JSON: text, 1 to MAX_BODY characters once stripped (a
    line break counts one, written \n or \r\n)."""
    body = (as_written(text_fields(data, required=("body",))["body"]) or "").strip()
    if not body:
        fail(400, _("The request has invalid fields."), {"body": [_("Write something.")]})
    if len(body) > MAX_BODY:
        message = _("At most %(count)d characters.", count=MAX_BODY)
        fail(400, _("The request has invalid fields."), {"body": [message]})
    return body


def answered_post(data: dict, author: User) -> Post | None:
    """The post named by the optional "in_reply_to" field: one `author` may see (400 if there
    is none), not hidden, and with no block between its author and `author` (403)."""
    id = data.get("in_reply_to")
    if id is None:
        return None
    post = None
    if isinstance(id, int) and not isinstance(id, bool):
        post = visible_post(id, author)
    if post is None:
        message = _("There is no post with this id.")
        fail(400, _("The request has invalid fields."), {"in_reply_to": [message]})
    if post.hidden:
        fail(403, str(HIDDEN_POST))
    if author.either_blocks(post.author):
        fail(403, _("You cannot reply to this post."))
    return post


def own_post_or_fail(id: int) -> Post:
    """The token user's post `id`: 404 if there is none, 403 if it is someone else's."""
    author = confirmed_author()
    post = get_post_or_404(id)
    if post.user_id != author.id:
        fail(403, _("You can only change your own posts."))
    return post


@bp.post("/posts")
@accepts_images
@token_required
def create_post():
    """Write a post: JSON (a reply with "in_reply_to"), or multipart/form-data with up to
    four images and their alt text."""
    author = confirmed_author()
    if is_multipart():
        body, uploads = multipart_post()
        body, parent = post_body({"body": body}), None
    else:
        data = json_object()
        body, uploads, parent = post_body(data), [], answered_post(data, author)
    resolve_mentions(body)
    images, written = stored_images(uploads)
    post = Post.write(author, body, images=images, in_reply_to=parent)
    commit_or_remove(written)
    outbox.publish_post(post)
    return post_to_dict(post), 201, {"Location": url_for("api.get_post", id=post.id)}


@bp.put("/posts/<id:id>")
@token_required
def edit_post(id: int):
    """Change the text of your post (its earlier text is kept)."""
    post = own_post_or_fail(id)
    body = post_body(json_object())
    resolve_mentions(body)
    if post.edit(body):
        db.session.commit()
        outbox.publish_update(post)
    return post_to_dict(post)


@bp.delete("/posts/<id:id>")
@token_required
def delete_post(id: int):
    """Delete your post; its replies stay, answering a deleted post."""
    post = own_post_or_fail(id)
    told = outbox.deletion(post)
    post.delete()
    db.session.commit()
    outbox.send(told)
    return "", 204
