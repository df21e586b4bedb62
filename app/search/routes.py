"""Search: find posts by the words in them, or someone on another server by @name@host."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.activitypub.negotiation import federating
from app.activitypub.remote_actors import BadActor, is_handle, look_up
from app.extensions import db
from app.federation.fetch import FetchError
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
    if is_handle(request.args.get("q", "")) and federating():
        return remote_account(request.args["q"]) or redirect(url_for(".search"))
    if "q" in request.args and form.validate():
        per_page = current_app.config["POSTS_PER_PAGE"]
        page = post_pages().search_page(form.q.data, requested_page(), per_page, current_user)
    return render_template("search/search.html", title=_("Search"), form=form, page=page)


def remote_account(handle: str):
    """The profile of @name@host, found on their server if new here; None, with a flash, if
    it cannot be."""
    try:
        user = look_up(handle)
    except (FetchError, BadActor):
        flash(_("No account %(handle)s could be found.", handle=handle), "warning")
        return None
    db.session.commit()  # the account, if it was fetched just now
    return redirect(url_for("main.user", username=user.username))
