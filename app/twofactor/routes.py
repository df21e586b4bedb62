"""Two-factor authentication: turning it on with an authenticator app, the code step of a
login, recovery codes, and turning it off."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import _, ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from app.auth.email import send_sign_in_changed_email
from app.auth.fresh import fresh_login_required
from app.auth.login import complete_login
from app.auth.second_factor import end_pending_login, pending_login
from app.extensions import db
from app.models import Passkey, RecoveryCode, TwoFactor, TwoFactorSetup, record_security_event
from app.models.two_factor import looks_like_totp
from app.twofactor.forms import CodeForm, DisableForm, EnableForm, RegenerateForm
from app.twofactor.limits import code_limits
from app.twofactor.qr import qr_data_url

bp = Blueprint("twofactor", __name__)


@bp.route("/")
@login_required
def status():
    """Whether two-factor authentication is on, and what can be done about it."""
    second_factor = TwoFactor.of(current_user)
    codes_left = RecoveryCode.left(current_user) if second_factor else 0
    return render_template(
        "twofactor/status.html",
        title=_("Two-factor authentication"),
        second_factor=second_factor,
        codes_left=codes_left,
    )


def setup_secret() -> str:
    """The secret this sign-in is setting up, made on the first visit and kept on the server
    (two_factor_setup), never in the cookie."""
    secret = TwoFactorSetup.secret_for(current_user)
    try:
        db.session.commit()
    except IntegrityError:  # the same user's first visit in another tab, at the same moment
        db.session.rollback()
        secret = TwoFactorSetup.secret_for(current_user)
        db.session.commit()
    return secret


@bp.route("/setup", methods=["GET", "POST"])
@fresh_login_required
@code_limits
def setup():
    """Scan a QR code (or type the key) into an authenticator app, then give its first code."""
    if TwoFactor.is_on(current_user):
        return redirect(url_for(".status"))
    secret = setup_secret()
    form = EnableForm()
    if form.validate_on_submit():
        if TwoFactor.enable(current_user, secret, form.code.data):
            codes = RecoveryCode.replace_all(current_user)
            record_security_event(current_user, "two_factor_enabled")
            TwoFactorSetup.finish(current_user)
            db.session.commit()
            send_sign_in_changed_email(current_user, "two_factor_enabled")
            flash(_("Two-factor authentication is on."), "success")
            return show_recovery_codes(codes)
        form.code.errors.append(_("That code is not right. Check your device's clock."))
    uri = TwoFactor.provisioning_uri(
        secret, current_user.username, current_app.config["TWO_FACTOR_ISSUER"]
    )
    return render_template(
        "twofactor/setup.html",
        title=_("Set up two-factor authentication"),
        form=form,
        secret=secret,
        qr=qr_data_url(uri),
    )


def show_recovery_codes(codes: list[str]):
    # Rendered in the answer to the POST, never stored readable: shown this once.
    return render_template(
        "twofactor/recovery_codes.html", title=_("Your recovery codes"), codes=codes
    )


@bp.route("/recovery-codes", methods=["GET", "POST"])
@fresh_login_required
def regenerate():
    """Make new recovery codes, voiding the old ones."""
    if not TwoFactor.is_on(current_user):
        return redirect(url_for(".status"))
    form = RegenerateForm()
    if form.validate_on_submit():
        codes = RecoveryCode.replace_all(current_user)
        record_security_event(current_user, "recovery_codes_regenerated")
        db.session.commit()
        send_sign_in_changed_email(current_user, "recovery_codes_regenerated")
        return show_recovery_codes(codes)
    lead = _("Your old recovery codes will stop working.")
    return render_template("form_page.html", title=_("New recovery codes"), form=form, lead=lead)


@bp.route("/disable", methods=["GET", "POST"])
@fresh_login_required
def disable():
    """Turn two-factor authentication off: the password alone signs in again."""
    if not TwoFactor.is_on(current_user):
        return redirect(url_for(".status"))
    form = DisableForm()
    if form.validate_on_submit():
        TwoFactor.disable(current_user)
        record_security_event(current_user, "two_factor_disabled")
        db.session.commit()
        send_sign_in_changed_email(current_user, "two_factor_disabled")
        flash(_("Two-factor authentication is off."), "info")
        return redirect(url_for(".status"))
    lead = _("Signing in will ask only for your password.")
    return render_template(
        "form_page.html", title=_("Turn off two-factor authentication"), form=form, lead=lead
    )


@bp.route("/verify", methods=["GET", "POST"])
@code_limits
def verify():
    """The second step of a login: the code from the authenticator app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    pending = pending_login()
    if pending is None:
        end_pending_login()
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    user, details = pending
    form = CodeForm()
    if form.validate_on_submit():
        if TwoFactor.check(user, form.code.data):
            db.session.commit()
            complete_login(user, remember=details["remember"])
            if not looks_like_totp(form.code.data):
                left = RecoveryCode.left(user)
                flash(
                    ngettext(
                        "You have %(num)d recovery code left.",
                        "You have %(num)d recovery codes left.",
                        left,
                    ),
                    "warning",
                )
            return redirect(details["next"])
        form.code.errors.append(_("That code is not right, or it was already used."))
    lead = _("Open your authenticator app and enter the code it shows for this site.")
    return render_template(
        "passkeys/form_or_passkey.html",
        title=_("Two-factor authentication"),
        form=form,
        lead=lead,
        has_passkeys=bool(Passkey.of(user)),
        passkey=("passkeys.second_factor_options", "passkeys.second_factor"),
    )
