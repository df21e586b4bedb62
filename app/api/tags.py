"""Hashtags: the posts carrying a tag (with a token)."""

from flask_babel import _

from app.api.auth import token_required
from app.api.blueprint import bp
from app.api.errors import fail
from app.api.posts import post_collection
from app.models import Post, Tag


@bp.get("/tags/<name>/posts")
@token_required
def get_tag_posts(name: str):
    """The posts carrying a tag, newest first."""
    tag = Tag.by_name(name)
    if tag is None:
        fail(404, _("There is no such tag."))
    return post_collection(Post.tagged(tag), "api.get_tag_posts", name=tag.name)
