"""The post a page's URL names, as the reader may see it and act on it: the posts, reactions
and moderation blueprints' one rule (the API's is app/api/posts.py's, on the same model call)."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.models import Post
from app.models.moderation import visible_post

HIDDEN_POST = _l(
    "This post is hidden by the moderators: it cannot be liked, boosted, replied to or reported."
)
ACROSS_A_BLOCK = _l("You cannot like or boost this post: one of you blocks the other.")


def get_post_or_404(id: int) -> Post:
    """The post, if the reader may see it: a hidden post only its author and the admins."""
    return visible_post(id, current_user) or abort(404)


def get_post_to_react_or_403(id: int) -> Post:
    """The post, to like or boost: listed, and with no block between its author and the
    reader (a boost would carry a blocker's post to the blocked user's followers)."""
    post = get_listed_post_or_403(id)
    if current_user.either_blocks(post.author):
        abort(403, description=str(ACROSS_A_BLOCK))
    return post


def get_listed_post_or_403(id: int) -> Post:
    """The post, to like, boost, reply to or report: 403 saying why for a hidden one."""
    post = get_post_or_404(id)
    if post.hidden:
        abort(403, description=str(HIDDEN_POST))
    return post
