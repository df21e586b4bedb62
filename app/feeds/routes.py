"""Atom and JSON feeds of a user's posts and of everyone's, for feed readers.

Readers fetch feeds with no login, so the feeds are as public as the front page: there with
PUBLIC_TIMELINE (the default), where visitors already read everyone's newest posts, and 404
on a private site.
"""

from flask import Blueprint, abort, current_app
from flask_babel import _

from app.feeds.documents import posts_feed
from app.feeds.formats import feed_response
from app.models import Post, user_by_username
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
    feed = posts_feed(Post.newest_first(), title, page_url, "feeds.explore_feed")
    return feed_response(feed, kind)


@bp.route(f"/user/<username>/feed.{KIND}")
def user_feed(username: str, kind: str):
    """A user's newest posts as a feed."""
    public_or_404()
    user = user_by_username(username) or abort(404)
    title = _("Posts by %(username)s", username=user.username)
    page_url = canonical_url_for("main.user", username=user.username)
    feed = posts_feed(
        user.posts_newest_first(), title, page_url, "feeds.user_feed", user, username=user.username
    )
    return feed_response(feed, kind)
