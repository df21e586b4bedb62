"""The security log page, and the labels of its events: the one place that names a kind.

To add a kind, record it with record_security_event(user, "my_kind", ...) and add a line
for it to LABELS (then `flask translate update`); a kind without a label shows its name.
"""

from flask import current_app, render_template
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.account.routes import bp
from app.extensions import db
from app.models import SecurityEvent

LABELS = {
    "login": _l("Signed in"),
    "login_failed": _l("Failed sign-in (wrong password)"),
    "logout": _l("Signed out"),
    "sessions_ended": _l("Every session ended (signed out everywhere)"),
    "session_ended": _l("A session ended from the sessions page"),
    "other_sessions_ended": _l("Every other session ended"),
    "two_factor_enabled": _l("Two-factor authentication turned on"),
    "two_factor_disabled": _l("Two-factor authentication turned off"),
    "recovery_codes_regenerated": _l("New recovery codes made"),
    "passkey_added": _l("Passkey added"),
    "passkey_removed": _l("Passkey removed"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset"),
    "email_changed": _l("Email address changed"),
    "email_change_undone": _l("Email address change undone"),
}
# The most events the page shows (the log keeps SECURITY_LOG_DAYS days of them).
SHOWN = 200


def label(kind: str) -> str:
    return str(LABELS.get(kind, kind))


@bp.route("/security")
@login_required
def security_log():
    """What happened to your account lately: sign-ins, password and email changes."""
    events = db.session.scalars(SecurityEvent.of(current_user).limit(SHOWN)).all()
    days = current_app.config["SECURITY_LOG_DAYS"]
    return render_template("account/security_log.html", title=_("Security Log"), events=events,
                           label=label, days=days)  # fmt: skip
