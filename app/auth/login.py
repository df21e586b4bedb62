"""Where every way of signing in ends (password, and later a second factor or a passkey)."""

from flask import abort, g, session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf

from app.auth.fresh import mark_fresh
from app.extensions import db
from app.models import User, record_security_event
from app.sessions.email import send_new_sign_in_email
from app.sessions.signin import start_session


def complete_login(user: User, remember: bool = False) -> None:
    """Start a new session for a user who has proved who they are."""
    if user.is_suspended:  # each way of signing in says so first; this is the last guard
        abort(403)
    # A fresh session: a CSRF token (or anything else) taken before login is void.
    session.clear()
    g.pop("csrf_token", None)
    # The new session's CSRF token, in this answer's cookie: else the next page's
    # forms would make one, and that page would write the session cookie again.
    generate_csrf()
    # The login id names the session's record (User.get_id): committed here, where every
    # way of signing in ends, so none can forget it.
    user.login_session, new_device = start_session(user)
    db.session.commit()
    login_user(user, remember=remember)
    mark_fresh()
    record_security_event(user, "login")
    db.session.commit()
    if new_device:
        send_new_sign_in_email(user, user.login_session)
