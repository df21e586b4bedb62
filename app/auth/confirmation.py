"""Until an account's address is confirmed, its owner may read but not post, message or follow."""

from collections.abc import Callable
from functools import wraps

from flask import flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.security import safe_next_url

UNCONFIRMED = _l(
    "Please confirm your email address first: until then you can read, "
    "but not post, send messages or follow anyone."
)


def confirmed_required(view: Callable) -> Callable:
    """Refuse a POST from an unconfirmed user with a message, back on the page it came from
    (after login_required: the user is known)."""

    @wraps(view)
    def checked(*args, **kwargs):
        if request.method == "POST" and not current_user.is_confirmed:
            flash(str(UNCONFIRMED), "warning")
            # Back to the form's page, or for a button (follow) to the page it sits on.
            get_able = request.url_rule is not None and "GET" in (request.url_rule.methods or ())
            return redirect(request.path if get_able else _page_of(request.referrer))
        return view(*args, **kwargs)

    return checked


def _page_of(referrer: str | None) -> str:
    """The path of the page a form was posted from, when it is this site's; else the home page."""
    root = request.host_url
    if referrer and referrer.startswith(root):
        path = safe_next_url("/" + referrer[len(root) :])
        if path:
            return path
    return url_for("main.index")
