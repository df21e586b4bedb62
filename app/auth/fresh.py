"""Fresh authentication ("sudo mode"): changing how you sign in, or deleting the account,
asks for the password again unless it was given in the last FRESH_AUTH_SECONDS, so a
browser left signed in (or a stolen remember-me cookie) cannot take the account over."""

import time
from collections.abc import Callable
from functools import wraps

from flask import current_app, redirect, request, session, url_for
from flask_login import login_required

# Seconds since the epoch when this session last proved who it is (password or passkey).
SESSION_KEY = "authenticated_at"


def mark_fresh() -> None:
    """Record that this session has just proved who it is."""
    session[SESSION_KEY] = int(time.time())


def is_fresh() -> bool:
    proved_at = session.get(SESSION_KEY)
    if not isinstance(proved_at, int):
        return False  # a session restored from a remember-me cookie never proved anything
    return 0 <= time.time() - proved_at < current_app.config["FRESH_AUTH_SECONDS"]


def fresh_login_required(view: Callable) -> Callable:
    """login_required, and a recent proof of who you are: else the password page first,
    which comes back here (a POST comes back to its page: the form must be sent again)."""

    @wraps(view)
    @login_required
    def guarded(*args, **kwargs):
        if not is_fresh():
            back = request.full_path if request.method == "GET" else request.path
            return redirect(url_for("auth.reauthenticate", next=back.rstrip("?")))
        return view(*args, **kwargs)

    return guarded
