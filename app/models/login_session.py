"""Sign-in records: one per login, named by the login id (User.get_id) and checked in the
same query that loads the signed-in user (app/models/lookups.py), so the user can see each
browser signed in to their account and end any of them, cookies and all."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import CursorResult, ForeignKey, String, delete, exists, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User

# Last seen is written at most this often, so pages need not write on every hit.
SEEN_EVERY = timedelta(minutes=5)


def new_session_id() -> str:
    # Random, never a counter: a deleted record's id must never come back for a new login,
    # or an old cookie naming it would come back to life.
    return secrets.token_urlsafe(24)


def device_digest(device_key: str) -> str:
    return hashlib.sha256(device_key.encode()).hexdigest()


class LoginSession(db.Model):
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_session_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Coarse, from the User-Agent: "Firefox", "Windows" (app/sessions/devices.py).
    browser: Mapped[str | None] = mapped_column(String(64))
    os: Mapped[str | None] = mapped_column(String(64))
    # The client's address with its host part hidden: 203.0.113.* or 2001:db8:1::/48.
    address: Mapped[str | None] = mapped_column(String(64))
    # The SHA-256 of the browser's device cookie: a sign-in from a browser without a known
    # one is a new device. Hashed, so a leaked table cannot silence the alert.
    device_hash: Mapped[str | None] = mapped_column(String(64))

    @staticmethod
    def start(user: "User", **described: Any) -> "LoginSession":
        """A new record for a sign-in of `user` (the caller commits)."""
        # Its id now, not at the flush: the login id names it before anything is written.
        record = LoginSession(**{"id": new_session_id(), "user_id": user.id, **described})
        db.session.add(record)
        return record

    def seen_now(self, now: datetime | None = None) -> bool:
        """Record a visit, at most once every few minutes (the caller commits if True)."""
        now = now or utcnow()
        if now - self.last_seen < SEEN_EVERY:
            return False
        self.last_seen = now
        return True

    def end(self) -> None:
        """End this session: the cookies that name it sign in no more (the caller commits)."""
        if self.ended_at is None:
            self.ended_at = utcnow()

    @staticmethod
    def end_all(user: "User", keep: "LoginSession | None" = None) -> int:
        """End every session of `user` but `keep`; how many (the caller commits)."""
        query = update(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)
        )
        if keep is not None:
            query = query.where(LoginSession.id != keep.id)
        result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            query.values(ended_at=utcnow()), execution_options={"synchronize_session": False}
        )
        return result.rowcount

    @staticmethod
    def active(user: "User") -> list["LoginSession"]:
        """The sessions of `user` not ended, the most recently used first."""
        query = (
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
            .order_by(LoginSession.last_seen.desc(), LoginSession.created_at.desc())
        )
        return list(db.session.scalars(query))

    @staticmethod
    def find_active(user: "User", session_id: str) -> "LoginSession | None":
        return db.session.scalar(
            select(LoginSession).where(
                LoginSession.id == session_id,
                LoginSession.user_id == user.id,
                LoginSession.ended_at.is_(None),
            )
        )

    @staticmethod
    def is_new_device(user: "User", device_hash: str | None) -> bool:
        """True when `user` has signed in before, never from this device: a first sign-in
        has nothing to compare with (and would alert every user once after an upgrade)."""
        of_user = LoginSession.user_id == user.id
        any_before = exists().where(of_user)
        known = exists().where(of_user, LoginSession.device_hash == device_hash)
        row = db.session.execute(select(any_before, known)).one()
        return bool(row[0]) and not (device_hash and row[1])

    @staticmethod
    def prune(ended_days: int, idle: timedelta, now: datetime | None = None) -> int:
        """Delete the records ended more than `ended_days` days ago, and those idle longer
        than `idle` (no cookie can still name them); how many (the caller commits)."""
        now = now or utcnow()
        result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            delete(LoginSession).where(
                or_(
                    LoginSession.ended_at < now - timedelta(days=ended_days),
                    LoginSession.last_seen < now - idle,
                )
            ),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount


class SessionsMixin:
    """What User knows of its sign-in records."""

    if TYPE_CHECKING:
        id: Mapped[int]

    # The record of the session this object was loaded for (load_user) or signed in with
    # (complete_login); None outside one. Not a column: one user has many.
    login_session: LoginSession | None = None

    @property
    def login_session_id(self) -> str:
        return self.login_session.id if self.login_session is not None else ""

    def end_this_session(self) -> None:
        """End the session of this request: logging out (the caller commits)."""
        if self.login_session is not None:
            self.login_session.end()

    def end_other_sessions(self) -> int:
        """End every session of this user but this request's; how many (the caller commits)."""
        return LoginSession.end_all(self, keep=self.login_session)  # type: ignore[arg-type]
