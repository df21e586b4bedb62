"""Passkeys: add and remove them on the account, and sign in with one, no username typed.

The browser's half is app/static/passkeys.js; the JSON endpoints answer every failure with a
400 {"error", "message"}, never a page.
"""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.email import send_sign_in_changed_email
from app.auth.fresh import fresh_login_required, is_fresh, mark_fresh
from app.auth.login import complete_login
from app.auth.second_factor import end_pending_login, pending_login
from app.extensions import db
from app.forms import EmptyForm
from app.models import Passkey, record_security_event
from app.passkeys import ceremony
from app.passkeys.ceremony import PasskeyError
from app.rate_limits import PASSWORD_CHECKS, rate_limits
from app.security import safe_next_url

bp = Blueprint("passkeys", __name__)

# Each attempt costs a signature check: counted with the password checks of the address.
sign_in_limits = rate_limits(*PASSWORD_CHECKS)


def json_error(message: str, status: int = 400, **extra):
    body = {"error": "Bad Request" if status == 400 else "Forbidden", "message": message, **extra}
    return jsonify(body), status


def needs_fresh_login():
    """The JSON answer when adding a passkey needs the password again: the page goes there."""
    if not current_user.is_authenticated:
        return json_error(_("Please log in to access this page."), 403)
    if not is_fresh():
        return json_error(
            _("Please enter your password again to continue."),
            403,
            redirect=url_for("auth.reauthenticate", next=url_for(".manage")),
        )
    return None


@bp.route("/")
@login_required
def manage():
    """The account's passkeys, with a form to add one and a button to remove each."""
    passkeys = Passkey.of(current_user)
    return render_template("passkeys/manage.html", title=_("Passkeys"), passkeys=passkeys)


@bp.route("/register/options", methods=["POST"])
def register_options():
    """Options for the browser to create a passkey for this account."""
    refusal = needs_fresh_login()
    if refusal:
        return refusal
    return ceremony.registration_options(current_user), {"Content-Type": "application/json"}


@bp.route("/register", methods=["POST"])
def register():
    """Add the passkey the browser created."""
    refusal = needs_fresh_login()
    if refusal:
        return refusal
    try:
        data = ceremony.parse_body(request.get_data())
        passkey = ceremony.register(current_user, data.get("credential"), data.get("name"))
    except PasskeyError as error:
        return json_error(str(error))
    record_security_event(current_user, "passkey_added", name=passkey.name)
    try:
        db.session.commit()
    except IntegrityError:  # the same passkey, registered at the same moment elsewhere
        db.session.rollback()
        return json_error(_("This passkey is already registered."))
    send_sign_in_changed_email(current_user, "passkey_added", passkey.name)
    flash(_("Passkey “%(name)s” added.", name=passkey.name), "success")
    return jsonify(redirect=url_for(".manage"))


@bp.route("/<int:passkey_id>/delete", methods=["GET", "POST"])
@fresh_login_required
def delete(passkey_id: int):
    """Remove one of your passkeys (a GET, back from the password page, shows the list)."""
    if request.method == "GET":
        return redirect(url_for(".manage"))
    passkey = db.first_or_404(
        select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == current_user.id)
    )
    if EmptyForm().validate_on_submit():
        db.session.delete(passkey)
        record_security_event(current_user, "passkey_removed", name=passkey.name)
        db.session.commit()
        send_sign_in_changed_email(current_user, "passkey_removed", passkey.name)
        flash(_("Passkey “%(name)s” removed.", name=passkey.name), "success")
    return redirect(url_for(".manage"))


@bp.route("/login/options", methods=["POST"])
def login_options():
    """Options for the browser to sign in with any passkey of this site it holds."""
    return ceremony.authentication_options(), {"Content-Type": "application/json"}


@bp.route("/login", methods=["POST"])
@sign_in_limits
def login():
    """Sign in with the passkey the browser chose; it counts as a fresh login."""
    try:
        data = ceremony.parse_body(request.get_data())
        passkey = ceremony.authenticate(data.get("credential"))
    except PasskeyError as error:
        db.session.rollback()
        return json_error(str(error))
    if passkey.user.is_suspended:
        db.session.rollback()
        return json_error(_("This account is suspended."), 403)
    db.session.commit()
    complete_login(passkey.user, remember=data.get("remember") is True)
    next_page = data.get("next") if isinstance(data.get("next"), str) else None
    return jsonify(redirect=safe_next_url(next_page) or url_for("main.index"))


@bp.route("/second-factor/options", methods=["POST"])
def second_factor_options():
    """Options for the second step of a password login: one of that user's passkeys."""
    pending = pending_login()
    if pending is None:
        return json_error(_("Please sign in again."))
    return ceremony.authentication_options(pending[0]), {"Content-Type": "application/json"}


@bp.route("/second-factor", methods=["POST"])
@sign_in_limits
def second_factor():
    """Finish a password login with one of the user's passkeys instead of a code."""
    pending = pending_login()
    if pending is None:
        return json_error(_("Please sign in again."))
    user, details = pending
    try:
        data = ceremony.parse_body(request.get_data())
        ceremony.authenticate(data.get("credential"), user)
    except PasskeyError as error:
        db.session.rollback()
        return json_error(str(error))
    db.session.commit()
    end_pending_login()
    complete_login(user, remember=details["remember"])
    return jsonify(redirect=details["next"])


@bp.route("/reauthenticate/options", methods=["POST"])
def reauthenticate_options():
    """Options for the browser to prove it's you again with one of your passkeys."""
    if not current_user.is_authenticated:
        return json_error(_("Please log in to access this page."), 403)
    options = ceremony.authentication_options(current_user, ceremony.REAUTHENTICATE)
    return options, {"Content-Type": "application/json"}


@bp.route("/reauthenticate", methods=["POST"])
@sign_in_limits
def reauthenticate():
    """Fresh authentication with a passkey: it stands for the password and the code."""
    if not current_user.is_authenticated:
        return json_error(_("Please log in to access this page."), 403)
    try:
        data = ceremony.parse_body(request.get_data())
        ceremony.authenticate(data.get("credential"), current_user, ceremony.REAUTHENTICATE)
    except PasskeyError as error:
        db.session.rollback()
        return json_error(str(error))
    db.session.commit()
    mark_fresh()
    next_page = data.get("next") if isinstance(data.get("next"), str) else None
    return jsonify(redirect=safe_next_url(next_page) or url_for("account.settings"))
