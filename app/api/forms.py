"""The API's form: the profile edit of the site, with the account's email address."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from app.auth.forms import EMAIL_MAX, strip
from app.extensions import db
from app.main.forms import EditProfileForm
from app.models import User, normalize_email


class UserChangesForm(EditProfileForm):
    email = StringField(
        _l("Email"), filters=[strip], validators=[DataRequired(), Length(max=EMAIL_MAX), Email()]
    )

    def validate_email(self, field) -> None:
        # The sign-up form's rules. An address another account has is refused, as the tutorial
        # does: an edit, unlike a sign-up, cannot be answered by mail to that address instead.
        email = normalize_email(field.data)
        if len(email) > EMAIL_MAX or (
            email != self.user.email and db.session.scalar(User.by_email(email)) is not None
        ):
            raise ValidationError(_l("Please use a different email address."))
