"""Hashtag pages: the posts carrying a tag, newest first."""

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required

from app.models import Tag
from app.pagination import requested_page
from app.post_pages import post_pages

bp = Blueprint("tags", __name__)


@bp.route("/tag/<name>")
@login_required
def tag(name: str):
    """Read the posts carrying a tag (written in any case), newest first."""
    found = Tag.by_name(name) or abort(404)
    per_page = current_app.config["POSTS_PER_PAGE"]
    page = post_pages().tag_page(found, requested_page(), per_page, current_user)
    return render_template("tags/tag.html", title=f"#{found.name}", tag=found, page=page)
