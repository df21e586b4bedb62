"""Signing up, shared by the sign-up page and the API."""

from sqlalchemy.exc import IntegrityError

from app.auth.email import send_account_exists_email, send_welcome_email
from app.auth.forms import RegistrationForm
from app.extensions import db
from app.models import User, normalize_email, normalize_username


def sign_up(form: RegistrationForm) -> bool:
    """Create the account a validated form describes, unconfirmed, and send its owner the
    welcome email with the confirmation link, or,
    when the address already has an account, tell that account's owner instead.

    The caller answers the same either way: only the mailbox's owner learns which it was.
    False when someone took the username between the form's checks and the insert; the
    form has then been validated again, so the error sits on the username.
    """
    email = normalize_email(form.email.data)
    user = User(
        username=normalize_username(form.username.data),
        email=email,
        confirmed_at=None,
    )
    # Hashed on both paths, so a taken address is not the quicker answer.
    user.set_password(form.password.data)
    owner = db.session.scalar(User.by_email(email))
    if owner is None:
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            owner = db.session.scalar(User.by_email(email))
            if owner is None:
                form.validate()
                return False
        else:
            send_welcome_email(user)
            return True
    send_account_exists_email(owner)
    return True
