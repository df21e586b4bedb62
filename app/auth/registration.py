"""Creating an account, shared by the sign-up page and the API."""

from sqlalchemy.exc import IntegrityError

from app.auth.forms import RegistrationForm
from app.extensions import db
from app.models import User, normalize_email, normalize_username


def create_account(form: RegistrationForm) -> User | None:
    """Create and commit the account a validated form describes.

    None when someone took the name or email between the form's checks and the insert;
    the form has then been validated again, so the error sits on the field that clashed.
    """
    user = User(
        username=normalize_username(form.username.data), email=normalize_email(form.email.data)
    )
    user.set_password(form.password.data)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.validate()
        return None
    return user
