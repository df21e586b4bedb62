"""The email telling a user their account was signed in to from a new device."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.email import send_account_email
from app.models import User
from app.models.login_session import LoginSession


def send_new_sign_in_email(user: User, record: LoginSession) -> None:
    """Tell `user` of a sign-in from a device they never used, unless NEW_SIGN_IN_EMAIL is off."""
    if not current_app.config["NEW_SIGN_IN_EMAIL"]:
        return
    subject = _l("[Microblog] New sign-in to your account")
    send_account_email(user, subject, "new_sign_in", record=record)
