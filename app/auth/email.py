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
            # The address as the account keeps it (found by this one, so never None).
            recipients=[account.email or email],
            template="reset_password",
            dummy=user is None,
            user=account,
            token=account.get_reset_password_token(),
            lifetime=link_lifetime(current_app.config["RESET_TOKEN_TTL"]),
        )


def send_account_email(user: User, subject: str, template: str, **context) -> None:
    """An email to `user` about their account, in the language they read the site in
    (accounts of other servers have no address here, and get none)."""
    if user.email is None:
        return
    with language_of(user):
        send_email(str(subject), recipients=[user.email], template=template, user=user, **context)


def send_password_changed_email(user: User) -> None:
    send_account_email(user, _l("[Microblog] Your password was changed"), "password_changed")


# How a user signs in changed: the subject of each change's email.
SIGN_IN_CHANGE_SUBJECTS = {
    "two_factor_enabled": _l("[Microblog] Two-factor authentication was turned on"),
    "two_factor_disabled": _l("[Microblog] Two-factor authentication was turned off"),
    "recovery_codes_regenerated": _l("[Microblog] New recovery codes were made"),
    "passkey_added": _l("[Microblog] A passkey was added to your account"),
    "passkey_removed": _l("[Microblog] A passkey was removed from your account"),
}


def sign_in_change_sentence(change: str, name: str = "") -> str:
    """What changed, in a sentence of the current language."""
    sentences = {
        "two_factor_enabled": _(
            "Two-factor authentication was just turned on for your Microblog account."
        ),
        "two_factor_disabled": _(
            "Two-factor authentication was just turned off for your Microblog account: "
            "your password alone signs in again."
        ),
        "recovery_codes_regenerated": _(
            "New recovery codes were just made for your Microblog account; "
            "the old ones no longer work."
        ),
        "passkey_added": _(
            "The passkey “%(name)s” was just added to your Microblog account.", name=name
        ),
        "passkey_removed": _(
            "The passkey “%(name)s” was just removed from your Microblog account.", name=name
        ),
    }
    return sentences[change]


def send_sign_in_changed_email(user: User, change: str, name: str = "") -> None:
    """Tell `user` how they sign in has changed (a SIGN_IN_CHANGE_SUBJECTS key): if it was
    not them, someone else holds the account, and the email says what to do."""
    with language_of(user):
        what = sign_in_change_sentence(change, name)
    send_account_email(user, SIGN_IN_CHANGE_SUBJECTS[change], "sign_in_changed", what=what)


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
