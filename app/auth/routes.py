"""Sign up, log in and out, and set or reset a password."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.email import (
    send_confirmation_email,
    send_password_changed_email,
    send_password_reset_email,
)
from app.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    ReauthenticateForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetPasswordRequestForm,
)
from app.auth.fresh import mark_fresh
from app.auth.login import complete_login
from app.auth.registration import sign_up
from app.auth.second_factor import begin_second_factor
from app.extensions import db
from app.forms import EmptyForm
from app.models import Passkey, TwoFactor, User, record_security_event
from app.models.confirmation import Confirmation
from app.models.security_event import record_failed_login
from app.rate_limits import (
    change_password_limits,
    confirm_limits,
    password_limits,
    register_limits,
    reset_limits,
)
from app.security import safe_next_url
from app.twofactor.limits import code_limits

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@password_limits
def login():
    """Log in with a username or email and a password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = User.authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Invalid username or password"))
            record_failed_login(form.username.data)
        elif user.is_suspended:
            form.username.errors.append(_("This account is suspended."))
        else:
            db.session.commit()
            next_url = safe_next_url(request.args.get("next")) or url_for("main.index")
            second_step = begin_second_factor(user, form.remember_me.data, next_url)
            if second_step is not None:
                return second_step
            complete_login(user, remember=form.remember_me.data)
            return redirect(next_url)
    return render_template("auth/login.html", title=_("Sign in"), form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (a POST behind CSRF, so no link or image can log anyone out)."""
    if current_user.is_authenticated:
        # Server-side: a saved copy of the session or remember-me cookie is dead too.
        current_user.end_this_session()
        record_security_event(current_user, "logout")
        db.session.commit()
    logout_user()
    flash(_("You have been logged out."), "info")
    # Straight to the login page: the home page would only bounce there with a second message.
    return redirect(url_for(".login"))


@bp.route("/reauthenticate", methods=["GET", "POST"])
@login_required
@password_limits
@code_limits
def reauthenticate():
    """Prove it's you again (password, and the code if two-factor is on; or a passkey)."""
    form = ReauthenticateForm()
    two_factor = TwoFactor.is_on(current_user)
    if not two_factor:
        del form.code
    if form.validate_on_submit():
        if reauthentication_passes(form, two_factor):
            db.session.commit()
            mark_fresh()
            return redirect(safe_next_url(request.args.get("next")) or url_for("account.settings"))
        db.session.rollback()
    return render_template(
        "passkeys/form_or_passkey.html",
        title=_("Confirm it's you"),
        form=form,
        lead=_("Please enter your password again to continue."),
        has_passkeys=bool(Passkey.of(current_user)),
        passkey=("passkeys.reauthenticate_options", "passkeys.reauthenticate"),
    )


def reauthentication_passes(form: ReauthenticateForm, two_factor: bool) -> bool:
    """The password is right and, for two-factor users, so is the code (then spent)."""
    if not current_user.check_password(form.password.data):
        form.password.errors.append(_("Your password is wrong."))
        return False
    if not two_factor:
        return True
    if not form.code.data:
        form.code.errors.append(_("Enter the code from your authenticator app."))
        return False
    if not TwoFactor.check(current_user, form.code.data):
        form.code.errors.append(_("That code is not right, or it was already used."))
        return False
    return True


@bp.route("/register", methods=["GET", "POST"])
@register_limits
def register():
    """Create an account, or email the owner of an address that has one."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if form.validate_on_submit() and sign_up(form):
        # True whether the account is new or the address had one: both get an email.
        flash(_("We have sent an email to that address: it tells you how to sign in."), "info")
        return redirect(url_for(".login"))
    return render_template("form_page.html", title=_("Register"), form=form)


@bp.route("/reset_password_request", methods=["GET", "POST"])
@reset_limits
def reset_password_request():
    """Ask for a password reset link by email."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = ResetPasswordRequestForm()
    if form.validate_on_submit():
        send_password_reset_email(form.email.data)
        # The same answer either way, so the form does not reveal who has an account.
        flash(
            _(
                "If an account has this address, it will get an email telling how to reset "
                "the password."
            ),
            "info",
        )
        return redirect(url_for(".login"))
    return render_template("form_page.html", title=_("Reset password"), form=form)


@bp.route("/reset_password/<token>")
def reset_password_link(token: str):
    """Take the token out of the address bar, so it never leaks through history or Referer."""
    session["reset_token"] = token
    return redirect(url_for(".reset_password"))


@bp.route("/reset_password", methods=["GET", "POST"])
def reset_password():
    """Choose a new password, with the token from the emailed link."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    user = User.verify_reset_password_token(session.get("reset_token", ""))
    if user is None:
        session.pop("reset_token", None)
        return render_template("auth/reset_invalid.html", title=_("Reset password")), 400
    form = ResetPasswordForm(username=user.username, email=user.email)
    if form.validate_on_submit():
        user.set_password(form.password.data)
        user.end_sessions()
        record_security_event(user, "password_reset")
        db.session.commit()
        session.pop("reset_token", None)
        send_password_changed_email(user)
        flash(_("Your password has been reset. Please log in."), "success")
        return redirect(url_for(".login"))
    lead = _("Choose a new password for %(username)s.", username=user.username)
    return render_template("form_page.html", title=_("Reset password"), form=form, lead=lead)


@bp.route("/change_password", methods=["GET", "POST"])
@login_required
@change_password_limits
def change_password():
    """Change the password of the logged-in user, who must know the current one."""
    form = ChangePasswordForm(username=current_user.username, email=current_user.email)
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Your current password is wrong."))
        else:
            current_user.set_password(form.password.data)
            current_user.end_other_sessions()
            record_security_event(current_user, "password_changed")
            db.session.commit()
            # The new password ends every other session; renew this one (and its remember-me).
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(current_user._get_current_object(), remember=remembered in request.cookies)
            send_password_changed_email(current_user)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"))
    return render_template("form_page.html", title=_("Change password"), form=form)


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    """Confirm the account's email address with the link from the welcome email."""
    outcome = User.confirm_with_token(token)
    if outcome is Confirmation.INVALID:
        return render_template("auth/confirm_invalid.html", title=_("Confirm email")), 400
    db.session.commit()
    if outcome is Confirmation.DONE:
        flash(_("Thank you: your email address is confirmed."), "success")
    else:
        flash(_("Your email address was already confirmed."), "info")
    return redirect(url_for("main.index"))


@bp.route("/resend_confirmation", methods=["POST"])
@login_required
@confirm_limits
def resend_confirmation():
    """Email the confirmation link again (the banner's button)."""
    if current_user.is_confirmed:
        flash(_("Your email address was already confirmed."), "info")
    elif EmptyForm().validate_on_submit():
        send_confirmation_email(current_user)
        sent = _("We have sent a new confirmation link to %(email)s.", email=current_user.email)
        flash(sent, "info")
    return redirect(url_for("main.index"))
