"""The second step of a login: between a proof of who you are (password, or later a passkey)
and the session, a code from the authenticator app or a recovery code.

Until the code is given, the session holds only a pending login: the user's id, the password
it was given under and when, none of which counts as signed in anywhere (current_user stays
anonymous). It dies after TWO_FACTOR_PENDING_SECONDS, or when the password changes.
"""

import time

from flask import current_app, redirect, session, url_for
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import TwoFactor, User

PENDING_KEY = "two_factor_pending"


def begin_second_factor(user: User, remember: bool, next_url: str) -> Response | None:
    """For a user with two-factor authentication on, remember the pending login and send
    them to the code page; None for anyone else, whom the caller signs in at once.

    Every first factor calls this before app.auth.login.complete_login:
        pending = begin_second_factor(user, remember, next_url)
        if pending is not None:
            return pending
        complete_login(user, remember)
    """
    if not TwoFactor.is_on(user):
        return None
    session[PENDING_KEY] = {
        "user": user.id,
        "pwd": user.password_fingerprint(),
        "at": int(time.time()),
        "remember": bool(remember),
        "next": next_url,
    }
    return redirect(url_for("twofactor.verify"))


def pending_login() -> tuple[User, dict] | None:
    """The user half-way through logging in and their pending login, or None when there is
    none, it has expired, or the password has changed since."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None
    age = time.time() - pending.get("at", 0)
    if not 0 <= age < current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
        return None
    user = db.session.get(User, pending["user"])
    if user is None or user.password_fingerprint() != pending.get("pwd"):
        return None
    return user, pending


def end_pending_login() -> None:
    session.pop(PENDING_KEY, None)


def pending_account() -> str:
    """The rate limits' key for the account of a pending login (see app/rate_limits.py)."""
    pending = session.get(PENDING_KEY)
    user_id = pending.get("user") if isinstance(pending, dict) else None
    return f"user:{user_id}" if isinstance(user_id, int) else ""
