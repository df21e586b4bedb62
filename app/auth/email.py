"""The emails the auth blueprint sends."""

from functools import cache

from flask import current_app
from flask_babel import _, ngettext
from flask_babel import lazy_gettext as _l

from app.email import send_email
from app.extensions import db
from app.i18n import language_of
from app.models import User


def link_lifetime(seconds: int) -> str:
    """How long a link works, never said longer than it is: 90 seconds is "1 minute"."""
    if seconds < 60:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    if seconds < 7200:
        return ngettext("%(num)d minute", "%(num)d minutes", seconds // 60)
    return ngettext("%(num)d hour", "%(num)d hours", seconds // 3600)


@cache
def stand_in_account() -> User:
    """An account that is never stored, for the work an unknown address must cost too."""
    return User(id=0, username="nobody", email="nobody@invalid", password_hash="")


def send_password_reset_email(email: str) -> None:
    """Email a reset link to the account with this address, if there is one.

    An unknown address costs the request the same work: a token and both templates, for a
    stand-in account, handed to the mail sender, which drops it. So the time of the answer
    does not tell whether the address has an account.
    """
    user = db.session.scalar(User.by_email(email))
    account = user or stand_in_account()
    with language_of(account):
        send_email(
            _("[Microblog] Reset Your Password"),
            recipients=[account.email],
            template="reset_password",
            dummy=user is None,
            user=account,
            token=account.get_reset_password_token(),
            lifetime=link_lifetime(current_app.config["RESET_TOKEN_TTL"]),
        )


def send_account_email(user: User, subject: str, template: str, **context) -> None:
    """An email to `user` about their account, in the language they read the site in."""
    with language_of(user):
        send_email(str(subject), recipients=[user.email], template=template, user=user, **context)


def send_password_changed_email(user: User) -> None:
    send_account_email(user, _l("[Microblog] Your password was changed"), "password_changed")


def send_welcome_email(user: User) -> None:
    send_confirmation_email(user, _l("[Microblog] Welcome to Microblog"))


CONFIRM_SUBJECT = _l("[Microblog] Confirm your email address")


def send_confirmation_email(user: User, subject=CONFIRM_SUBJECT):
    """The link that confirms the user's address (at sign-up, the welcome email)."""
    send_account_email(
        user,
        subject,
        "confirm_email",
        token=user.get_confirmation_token(),
        lifetime=link_lifetime(current_app.config["CONFIRM_TOKEN_TTL"]),
    )


def send_account_exists_email(user: User) -> None:
    """Tell an account's owner that someone tried to sign up again with its address."""
    send_account_email(
        user, _l("[Microblog] Someone tried to sign up with your email address"), "account_exists"
    )
