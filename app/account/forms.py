"""The account settings' forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from app.auth.forms import EMAIL_MAX, email_field
from app.email import can_send_to
from app.extensions import db
from app.models import User, normalize_email


class ChangeEmailForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send a confirmation link"))

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_email(self, field) -> None:
        # The sign-up form's rules; an address another account has is refused, as the
        # profile form of the API does (a signed-in, freshly authenticated user asks).
        email = normalize_email(field.data)
        if email == self.user.email:
            raise ValidationError(_l("This is already your email address."))
        if len(email) > EMAIL_MAX or db.session.scalar(User.by_email(email)) is not None:
            raise ValidationError(_l("Please use a different email address."))
        if not can_send_to(field.data):
            raise ValidationError(
                _l(
                    "Our mail server cannot send to an address with non-Latin characters "
                    "before the @. Please use another address."
                )
            )


class DeleteAccountForm(FlaskForm):
    understood = BooleanField(
        _l("I understand that my account, posts and messages will be deleted for good."),
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Delete my account"), render_kw={"class": "btn btn-danger"})
