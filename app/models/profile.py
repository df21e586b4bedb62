"""A user's names and profile: the one stored form of a username and of an email, finding a
user by them, editing the profile (the site's form and the API's PUT), the avatar."""

from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Mapped

from app.models.avatar import avatar_url
from app.models.username import normalize_username


def normalize_email(email: str) -> str:
    return email.strip().lower()


class ProfileMixin:
    """User's lookups by name and email, update_profile() and avatar()."""

    if TYPE_CHECKING:
        username: Mapped[str]
        email: Mapped[str | None]
        about_me: Mapped[str | None]

    def avatar(self, size: int) -> str:
        """The URL of the user's avatar, `size` pixels square (in a request or outside one)."""
        return avatar_url(self.username, self.email, size)

    @classmethod
    def by_username(cls, username: str):
        return select(cls).where(cls.username == normalize_username(username))

    @classmethod
    def by_login(cls, username_or_email: str):
        """The user whose username or email is this, in any letter case."""
        value = username_or_email.strip()
        return select(cls).where(
            or_(cls.username == normalize_username(value), cls.email == normalize_email(value))
        )

    @classmethod
    def by_email(cls, email: str):
        return select(cls).where(cls.email == normalize_email(email))

    def update_profile(self, **fields: str | None) -> None:
        """Change the username, email or about me given, each stored in its one form (the
        caller commits): the site's edit-profile form and the API's PUT both come here."""
        if "username" in fields:
            self.username = normalize_username(fields["username"] or "")
        if "email" in fields:
            self.email = normalize_email(fields["email"] or "")
        if "about_me" in fields:
            self.about_me = (fields["about_me"] or "").strip() or None
