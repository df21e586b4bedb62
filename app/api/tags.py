"""Hashtags: the posts carrying a tag (with a token)."""

from flask_babel import _

from app.api.auth import token_required, token_user
from app.api.blueprint import bp
from app.api.errors import fail
from app.api.posts import post_collection
from app.models import Post, Tag
from app.models.domain_block import not_silenced
from app.models.moderation import listed_conditions


@bp.get("/tags/<name>/posts")
@token_required
def get_tag_posts(name: str):
    """The posts carrying a tag, newest first (less hidden ones, as on the tag's page)."""
    tag = Tag.by_name(name)
    if tag is None:
        fail(404, _("There is no such tag."))
    posts = Post.tagged(tag).where(*listed_conditions(token_user(), authors=False))
    posts = posts.where(not_silenced(Post.user_id))
    return post_collection(posts, "api.get_tag_posts", name=tag.name)
