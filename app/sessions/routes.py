"""The sessions page: every browser signed in to the account, and ending any of them."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import _, ngettext
from flask_login import current_user, login_required, logout_user

from app.extensions import db
from app.forms import EmptyForm
from app.models import record_security_event
from app.models.login_session import LoginSession
from app.sessions.devices import device_name

bp = Blueprint("sessions", __name__)
bp.add_app_template_global(device_name)


@bp.before_app_request
def record_session_seen() -> None:
    """Keep the session's "last active" current, writing at most every few minutes."""
    if not current_user.is_authenticated:
        return
    record = current_user.login_session
    if record is not None and record.seen_now():
        db.session.commit()


@bp.route("/")
@login_required
def sessions():
    """The sessions of this account, this one marked."""
    records = LoginSession.active(current_user)
    return render_template(
        "sessions/sessions.html",
        title=_("Sessions"),
        records=records,
        current_id=current_user.login_session_id,
    )


@bp.route("/<session_id>/end", methods=["POST"])
@login_required
def end(session_id: str):
    """End one session: its browser is signed out on its next page."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    record = LoginSession.find_active(current_user, session_id)
    if record is None:
        flash(_("That session has already ended."), "info")
        return redirect(url_for(".sessions"))
    record.end()
    record_security_event(current_user, "session_ended", browser=record.browser, os=record.os)
    db.session.commit()
    if session_id == current_user.login_session_id:
        logout_user()
        flash(_("You have been logged out."), "info")
        return redirect(url_for("auth.login"))
    flash(_("The session has ended."), "success")
    return redirect(url_for(".sessions"))


@bp.route("/end-others", methods=["POST"])
@login_required
def end_others():
    """End every session but this one (no password needed: it is what to do when in doubt)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = current_user.end_other_sessions()
    record_security_event(current_user, "other_sessions_ended")
    db.session.commit()
    flash(
        ngettext("%(num)d other session has ended.", "%(num)d other sessions have ended.", ended),
        "success",
    )
    return redirect(url_for(".sessions"))
