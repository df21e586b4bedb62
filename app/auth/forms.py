"""Forms for signing up, logging in and setting passwords."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.extensions import db
from app.models import User, normalize_email, normalize_username

USERNAME_PATTERN = re.compile(r"^[\w.-]+$")
# The widths of the user table's columns.
USERNAME_MAX = 64
EMAIL_MAX = 120


def strip(value: str | None) -> str | None:
    # Pasted addresses often carry a stray space, which the email validator would reject.
    return value.strip() if isinstance(value, str) else value


def check_username(username: str, current: User | None = None) -> None:
    """Raise ValidationError unless this is a valid username that nobody else has."""
    if not USERNAME_PATTERN.fullmatch(username):
        raise ValidationError(_l("Use only letters, digits, '_', '.' and '-'."))
    # NFKC can expand one character into many (U+FDFA is 18): measure what will be stored.
    if len(normalize_username(username)) > USERNAME_MAX:
        raise ValidationError(_l("Please use a different username."))
    other = db.session.scalar(User.by_username(username))
    if other is not None and (current is None or other.id != current.id):
        raise ValidationError(_l("Please use a different username."))


class NewPasswordForm(FlaskForm):
    """A new password, typed twice, with the rules every password form shares."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=256)])
    password2 = PasswordField(
        _l("Repeat Password"),
        validators=[DataRequired(), EqualTo("password", message=_l("Passwords must match."))],
    )

    def __init__(self, *args, username: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_username = username

    def validate_password(self, field) -> None:
        username = self.owner_username or getattr(getattr(self, "username", None), "data", None)
        if username and field.data.strip().lower() == username.strip().lower():
            raise ValidationError(_l("Your password must not be your username."))


class LoginForm(FlaskForm):
    username = StringField(_l("Username or email"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember_me = BooleanField(_l("Remember Me"))
    submit = SubmitField(_l("Sign In"))


class RegistrationForm(NewPasswordForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=64)])
    email = StringField(
        _l("Email"), filters=[strip], validators=[DataRequired(), Length(max=120), Email()]
    )
    submit = SubmitField(_l("Register"))

    def validate_username(self, field) -> None:
        check_username(field.data.strip())

    def validate_email(self, field) -> None:
        # Lower-casing can lengthen an address ("İ" becomes two characters).
        if len(normalize_email(field.data)) > EMAIL_MAX:
            raise ValidationError(_l("Please use a different email address."))
        if db.session.scalar(User.by_email(field.data)) is not None:
            raise ValidationError(_l("Please use a different email address."))


class ResetPasswordRequestForm(FlaskForm):
    email = StringField(
        _l("Email"), filters=[strip], validators=[DataRequired(), Length(max=120), Email()]
    )
    submit = SubmitField(_l("Request Password Reset"))


class ResetPasswordForm(NewPasswordForm):
    submit = SubmitField(_l("Reset Password"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=256)]
    )
    submit = SubmitField(_l("Change Password"))
