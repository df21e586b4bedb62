"""Atom and JSON feeds of a user's posts and of everyone's, for feed readers.

Readers fetch feeds with no login, so the feeds are as public as the front page: there with
PUBLIC_TIMELINE (the default), where visitors already read everyone's newest posts, and 404
on a private site.
"""

from flask import Blueprint, abort, current_app
from flask_babel import _

from app.feeds.documents import posts_feed
from app.feeds.formats import feed_response
from app.models import Post, Tag, user_by_username
from app.models.domain_block import not_silenced
from app.models.moderation import listed_conditions
from app.security import canonical_url_for

bp = Blueprint("feeds", __name__)

# atom or json: /explore/feed.atom, /explore/feed.json
KIND = "<any(atom, json):kind>"


def public_or_404() -> None:
    if not current_app.config["PUBLIC_TIMELINE"]:
        abort(404)


@bp.route(f"/explore/feed.{KIND}")
def explore_feed(kind: str):
    """Everyone's newest posts as a feed."""
    public_or_404()
    title, page_url = _("Newest posts on Microblog"), canonical_url_for("main.explore")
    # What a visitor's lists show: no hidden posts, none of suspended accounts or silenced
    # servers.
    posts = Post.newest_first(*listed_conditions(None), not_silenced(Post.user_id))
    feed = posts_feed(posts, title, page_url, "feeds.explore_feed")
    return feed_response(feed, kind)


@bp.route(f"/user/<username>/feed.{KIND}")
def user_feed(username: str, kind: str):
    """A user's newest posts as a feed."""
    public_or_404()
    user = user_by_username(username) or abort(404)
    title = _("Posts by %(username)s", username=user.username)
    page_url = canonical_url_for("main.user", username=user.username)
    posts = user.posts_newest_first().where(*listed_conditions(None, authors=False))
    feed = posts_feed(posts, title, page_url, "feeds.user_feed", user, username=user.username)
    return feed_response(feed, kind)


@bp.route(f"/tag/<name>/feed.{KIND}")
def tag_feed(name: str, kind: str):
    """The newest posts carrying a tag as a feed."""
    public_or_404()
    tag = Tag.by_name(name) or abort(404)
    title = _("Posts tagged #%(tag)s", tag=tag.name)
    page_url = canonical_url_for("tags.tag", name=tag.name)
    posts = Post.tagged(tag).where(*listed_conditions(None, authors=False))
    posts = posts.where(not_silenced(Post.user_id))
    return feed_response(posts_feed(posts, title, page_url, "feeds.tag_feed", name=tag.name), kind)
