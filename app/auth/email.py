"""The emails the auth blueprint sends."""

from flask import current_app
from flask_babel import _

from app.auth.tokens import make_reset_token
from app.email import send_email
from app.models import User


def send_password_reset_email(user: User) -> None:
    send_email(
        _("[Microblog] Reset Your Password"),
        recipients=[user.email],
        template="reset_password",
        user=user,
        token=make_reset_token(user),
        minutes=current_app.config["RESET_TOKEN_TTL"] // 60,
    )


def send_password_changed_email(user: User) -> None:
    send_email(
        _("[Microblog] Your password was changed"),
        recipients=[user.email],
        template="password_changed",
        user=user,
    )
