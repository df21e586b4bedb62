"""Likes and boosts: like, unlike, boost and unboost a post, and who liked it."""

from flask_babel import _

from app.api.auth import token_required
from app.api.blueprint import MAX_ID, bp
from app.api.errors import fail
from app.api.posts import confirmed_author, post_to_dict
from app.api.users import user_collection
from app.extensions import db
from app.models import Post, User


def get_post_or_404(id: int) -> Post:
    post = db.session.get(Post, id) if id <= MAX_ID else None
    if post is None:
        fail(404, _("There is no post with this id."))
    return post


def react(id: int, verb: str) -> dict:
    """Run the verb (idempotent) and answer the post with its counts."""
    user = confirmed_author()
    post = get_post_or_404(id)
    getattr(user, verb)(post)
    db.session.commit()
    return post_to_dict(post)


@bp.post("/posts/<id:id>/like")
@token_required
def like_post(id: int):
    """Like a post."""
    return react(id, "like")


@bp.delete("/posts/<id:id>/like")
@token_required
def unlike_post(id: int):
    """Take back your like."""
    return react(id, "unlike")


@bp.post("/posts/<id:id>/boost")
@token_required
def boost_post(id: int):
    """Boost a post into your followers' timelines."""
    return react(id, "boost")


@bp.delete("/posts/<id:id>/boost")
@token_required
def unboost_post(id: int):
    """Take back your boost."""
    return react(id, "unboost")


@bp.get("/posts/<id:id>/likes")
@token_required
def get_likes(id: int):
    """Who liked a post, newest like first."""
    post = get_post_or_404(id)
    return user_collection(User.likers_of(post), "api.get_likes", id=id)
