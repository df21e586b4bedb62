"""Forms for signing up, logging in and setting passwords."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from app.auth.passwords import is_common, is_guessable
from app.email import can_send_to
from app.extensions import db
from app.models import ReservedUsername, User, normalize_email, normalize_username
from app.models.username import has_invisible_characters, mixes_scripts

USERNAME_PATTERN = re.compile(r"^[\w.-]+$")
# In columns on screen, where a Chinese, Japanese or Korean character takes two: 小红 is a name.
USERNAME_MIN_WIDTH = 3
# The widths of the user table's columns.
USERNAME_MAX = 64
EMAIL_MAX = 120


def strip(value: str | None) -> str | None:
    # Pasted addresses often carry a stray space, which the email validator would reject.
    return value.strip() if isinstance(value, str) else value


def screen_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def check_username(username: str, current: User | None = None) -> None:
    """Raise ValidationError unless this is a valid username that nobody else has, nor one
    that looks like it: the rules of sign-up, profile editing and the API."""
    # The rules read what will be stored: NFKC turns "x½y" into "x1⁄2y".
    name = normalize_username(username)
    if current is not None and name == current.username:
        return  # keeping your name, even one from before a rule
    if has_invisible_characters(name):
        raise ValidationError(_l("A username cannot contain invisible characters."))
    if not USERNAME_PATTERN.fullmatch(name):
        raise ValidationError(_l("Use only letters, digits, '_', '.' and '-'."))
    # NFKC can expand one character into many (U+FDFA is 18).
    if len(name) > USERNAME_MAX:
        raise ValidationError(_l("Please use a different username."))
    if screen_width(name) < USERNAME_MIN_WIDTH:
        raise ValidationError(
            _l("Use at least 3 characters (Chinese, Japanese and Korean ones count twice).")
        )
    if mixes_scripts(name):
        raise ValidationError(
            _l("Use the letters of one script (Latin may join Chinese, Japanese or Korean).")
        )
    if db.session.scalar(User.lookalike(name, other_than=current)) is not None:
        raise ValidationError(_l("Please use a different username."))
    if db.session.scalar(ReservedUsername.lookalike(name)) is not None:  # a deleted account's
        raise ValidationError(_l("Please use a different username."))


def new_password_field(label: str | None = None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[DataRequired(), Length(min=8, max=256)],
        render_kw={"autocomplete": "new-password"},
    )


def confirm_password_field(label: str | None = None) -> PasswordField:
    return PasswordField(
        label or _l("Confirm password"),
        validators=[DataRequired(), EqualTo("password", message=_l("Passwords must match."))],
        render_kw={"autocomplete": "new-password"},
    )


def email_field() -> EmailField:
    return EmailField(
        _l("Email"),
        filters=[strip],
        validators=[DataRequired(), Length(max=EMAIL_MAX), Email()],
        render_kw={"autocomplete": "email"},
    )


class NewPasswordForm(FlaskForm):
    """A new password, typed twice, with the rules every password form shares.

    Each form declares its own `password` and `password2` fields (new_password_field(),
    confirm_password_field()): WTForms orders fields by when they were made, so fields made
    here would come before a subclass's username and email.
    """

    def __init__(self, *args, username: str | None = None, email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_username = username
        self.owner_email = email

    def _owner(self, field: str) -> str:
        """The owner's username or email: given, or typed into this form (registration)."""
        given = getattr(self, f"owner_{field}")
        typed = getattr(getattr(self, field, None), "data", None)
        return (given or typed or "").strip().lower()

    def validate_password(self, field) -> None:
        password = field.data.strip().lower()
        username, email = self._owner("username"), self._owner("email")
        if username and password == username:
            raise ValidationError(_l("Your password must not be your username."))
        if email and password in {email, email.partition("@")[0]}:
            raise ValidationError(_l("Your password must not be your email address."))
        if is_common(field.data):
            raise ValidationError(
                _l("This is one of the 100,000 most common passwords: please choose another.")
            )
        if is_guessable(field.data, [username, email, email.partition("@")[0]]):
            raise ValidationError(
                _l("This password is too easy to guess: try a few uncommon words together.")
            )


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username or email"),
        validators=[DataRequired(), Length(max=120)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    remember_me = BooleanField(_l("Remember me"))
    submit = SubmitField(_l("Sign in"))


class ReauthenticateForm(FlaskForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password", "autofocus": True},
    )
    # Asked of two-factor users only (the view removes it for others): a password alone is
    # one factor, and fresh authentication must not be easier than signing in.
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[Optional(), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Continue"))


class RegistrationForm(NewPasswordForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=USERNAME_MAX)],
        render_kw={"autocomplete": "username"},
    )
    email = email_field()
    password = new_password_field()
    password2 = confirm_password_field()
    submit = SubmitField(_l("Register"))

    def validate_username(self, field) -> None:
        check_username(field.data.strip())

    def validate_email(self, field) -> None:
        # Lower-casing can lengthen an address ("İ" becomes two characters). A taken
        # address is no error: sign_up() emails its owner, so the form tells nobody.
        if len(normalize_email(field.data)) > EMAIL_MAX:
            raise ValidationError(_l("Please use a different email address."))
        if not can_send_to(field.data):
            raise ValidationError(
                _l(
                    "Our mail server cannot send to an address with non-Latin characters "
                    "before the @. Please use another address."
                )
            )


class ResetPasswordRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Request password reset"))


class ResetPasswordForm(NewPasswordForm):
    password = new_password_field(_l("New password"))
    password2 = confirm_password_field(_l("Confirm new password"))
    submit = SubmitField(_l("Reset password"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    password2 = confirm_password_field(_l("Confirm new password"))
    submit = SubmitField(_l("Change password"))
