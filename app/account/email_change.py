"""Change your email address: a link to the new address makes the change; the old address
is told, with a link that undoes it (app/models/email_change.py)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user, logout_user
from sqlalchemy.exc import IntegrityError

from app.account.email import send_change_email_link, send_email_changed_notice
from app.account.forms import ChangeEmailForm
from app.account.routes import bp
from app.auth.email import send_password_reset_email
from app.auth.fresh import fresh_login_required
from app.extensions import db
from app.forms import EmptyForm
from app.models import EmailChange, normalize_email, record_security_event
from app.models.email_change import Outcome
from app.rate_limits import confirm_limits


class ConfirmForm(EmptyForm):
    """A button: the link's page changes nothing until it is pressed (mail scanners open links)."""


def link_failed(message: str, status: int = 400):
    return render_template("account/link_invalid.html", title=_("Email address"),
                           message=message), status  # fmt: skip


@bp.route("/email", methods=["GET", "POST"])
@fresh_login_required
@confirm_limits
def change_email():
    """Ask for a link at the new address that makes it the account's."""
    form = ChangeEmailForm(current_user)
    if form.validate_on_submit():
        new_email = normalize_email(form.email.data)
        send_change_email_link(current_user, new_email)
        flash(_("We have sent a link to %(email)s: your address changes when you open it.",
                email=new_email), "info")  # fmt: skip
        return redirect(url_for(".settings"))
    lead = _("Your email address is %(email)s.", email=current_user.email)
    return render_template("form_page.html", title=_("Change Email"), form=form, lead=lead)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    """Make the new address the account's, with the link sent to it."""
    pending = EmailChange.pending(token)
    if pending is None:
        return link_failed(_("This link is invalid, has expired or has already been used."))
    form = ConfirmForm()
    if form.validate_on_submit():
        change = EmailChange.confirm(token).change
        try:
            db.session.commit()
        except IntegrityError:  # the address was taken between the check and the commit
            db.session.rollback()
            change = None
        if change is None:
            return link_failed(_("Another account has this email address now."), 409)
        record_security_event(change.user, "email_changed", old=change.old_email,
                              new=change.new_email)  # fmt: skip
        db.session.commit()
        send_email_changed_notice(change)
        flash(_("Your email address is now %(email)s.", email=change.new_email), "success")
        return redirect(url_for(".settings" if current_user.is_authenticated else "auth.login"))
    user, new_email = pending
    lead = _("Make %(email)s the email address of %(username)s?", email=new_email,
             username=user.username)  # fmt: skip
    form.submit_label = _("Change my email address")
    return render_template("account/confirm_link.html", title=_("Change Email"), form=form,
                           lead=lead)  # fmt: skip


@bp.route("/email/undo/<token>", methods=["GET", "POST"])
def undo_email_change(token: str):
    """Give the account its old address back, end every session and ask for a new password."""
    change = EmailChange.pending_undo(token)
    if change is None:
        return link_failed(_("This link is invalid, has expired or has already been used."))
    form = ConfirmForm()
    if form.validate_on_submit():
        result = EmailChange.undo(token)
        if result.outcome is Outcome.TAKEN:
            db.session.rollback()
            return link_failed(_("Another account has this email address now."), 409)
        user = change.user
        record_security_event(user, "email_change_undone", old=change.new_email,
                              new=change.old_email)  # fmt: skip
        record_security_event(user, "sessions_ended")
        db.session.commit()
        send_password_reset_email(change.old_email)
        if current_user.is_authenticated and current_user.id == user.id:
            logout_user()
        flash(_("Your email address is %(email)s again and every session has ended. We have "
                "sent a link to %(email)s to choose a new password.", email=user.email),
              "success")  # fmt: skip
        return redirect(url_for("auth.login"))
    lead = _("Give %(username)s its address %(email)s back, sign out everywhere and choose a "
             "new password?", username=change.user.username, email=change.old_email)  # fmt: skip
    form.submit_label = _("This wasn't me: undo the change")
    return render_template("account/confirm_link.html", title=_("Undo Email Change"), form=form,
                           lead=lead)  # fmt: skip
