"""Search: find posts by the words in them."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import _
from flask_login import current_user, login_required

from app.pagination import requested_page
from app.post_pages import post_pages
from app.search.forms import SearchForm

bp = Blueprint("search", __name__)


@bp.route("/search")
@login_required
def search():
    """Find the posts that contain every term you typed, newest first."""
    form = SearchForm(request.args)
    page = None
    if "q" in request.args and form.validate():
        per_page = current_app.config["POSTS_PER_PAGE"]
        page = post_pages().search_page(form.q.data, requested_page(), per_page, current_user)
    return render_template("search/search.html", title=_("Search"), form=form, page=page)
