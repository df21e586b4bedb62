"""The emails of an email change: the link to the new address, the notice to the old one."""

from flask import current_app
from flask_babel import _

from app.auth.email import link_lifetime
from app.email import send_email
from app.i18n import language_of
from app.models import EmailChange, User


def send_change_email_link(user: User, new_email: str) -> None:
    """The link that makes `new_email` the account's address, sent to that address."""
    with language_of(user):
        send_email(
            _("[Microblog] Confirm your new email address"),
            recipients=[new_email],
            template="change_email",
            user=user,
            new_email=new_email,
            token=EmailChange.request_token(user, new_email),
            lifetime=link_lifetime(current_app.config["CONFIRM_TOKEN_TTL"]),
        )


def send_email_changed_notice(change: EmailChange) -> None:
    """Tell the old address about the change, with the link that undoes it."""
    user = change.user
    with language_of(user):
        send_email(
            _("[Microblog] Your email address was changed"),
            recipients=[change.old_email],
            template="email_changed",
            user=user,
            change=change,
            token=change.undo_token(),
            days=current_app.config["EMAIL_CHANGE_UNDO_DAYS"],
        )
