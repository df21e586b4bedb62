"""A two-factor secret being set up: kept in the database until a code proves the
authenticator app holds it, never in the (signed, readable) session cookie."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.two_factor import new_secret
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User

# Long enough to find the phone and scan; an older secret is replaced by a new one.
SETUP_LIFETIME = timedelta(hours=1)


class TwoFactorSetup(db.Model):
    """The secret one sign-in of a user is setting up (one row a user, at most)."""

    __tablename__ = "two_factor_setup"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    # The sign-in record it was shown to: another browser (or a later sign-in) gets its own.
    login_session_id: Mapped[str] = mapped_column(String(32))
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def secret_for(user: "User", now: datetime | None = None) -> str:
        """The secret this sign-in of `user` is setting up, made on its first visit (the
        caller commits)."""
        now = now or utcnow()
        setup = db.session.get(TwoFactorSetup, user.id)
        if setup is None:
            setup = TwoFactorSetup(user_id=user.id)
            db.session.add(setup)
        elif setup.login_session_id == user.login_session_id and now - setup.created_at < (
            SETUP_LIFETIME
        ):
            return setup.secret
        setup.login_session_id = user.login_session_id
        setup.secret = new_secret()
        setup.created_at = now
        return setup.secret

    @staticmethod
    def finish(user: "User") -> None:
        """Forget the secret: enrolment is done (the caller commits)."""
        db.session.execute(delete(TwoFactorSetup).where(TwoFactorSetup.user_id == user.id))
