"""Likes and boosts: like, unlike, boost and unboost a post, and who liked it."""

from app.activitypub import outbox
from app.api.auth import token_required
from app.api.blueprint import bp
from app.api.posts import confirmed_author, get_post_or_404, get_post_to_react_or_403, post_to_dict
from app.api.users import user_collection
from app.extensions import db
from app.models import User


def react(id: int, verb: str) -> dict:
    """Run the verb (idempotent) and answer the post with its counts: a like or boost only of
    a post that is not hidden, across no block; taking one back, of any post the user sees."""
    user = confirmed_author()
    post = get_post_to_react_or_403(id) if verb in ("like", "boost") else get_post_or_404(id)
    changed = getattr(user, verb)(post)
    db.session.commit()
    if changed:
        outbox.publish_reaction(user, post, verb)
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
