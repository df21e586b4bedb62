"""Two-factor authentication: a TOTP secret per user (RFC 6238, an authenticator app's six
digits) and ten single-use recovery codes for when the phone is lost."""

import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING

import pyotp
from sqlalchemy import ForeignKey, String, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User

# Codes of the step before and after the server's are accepted too: phones' clocks drift.
WINDOW = 1
RECOVERY_CODE_COUNT = 10
# 16 characters of base32: 80 random bits each.
RECOVERY_CODE_LENGTH = 16
RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def clock() -> float:
    """Seconds since the epoch: the time codes are checked at (tests replace it)."""
    return time.time()


def new_secret() -> str:
    return pyotp.random_base32()


def _digest(code: str) -> str:
    # sha256, not Argon2: a recovery code carries 80 random bits, out of reach of any
    # guessing, where ten Argon2 checks per attempt would cost seconds.
    return hashlib.sha256(code.encode()).hexdigest()


def normalize_recovery_code(code: str) -> str:
    """A recovery code as stored: lower case, without the spaces and dashes people type."""
    return normalize_code(code).replace("-", "").lower()


def format_recovery_code(code: str) -> str:
    """Groups of four, easier to copy out: abcd-efgh-ijkl-mnop."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(code: str) -> str:
    """A code as typed, without spaces ("123 456", as apps show it), full-width digits made
    ASCII (as Chinese and Japanese input methods type them)."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", code))


def looks_like_totp(code: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{6}", normalize_code(code)))


class TwoFactor(db.Model):
    """The TOTP secret of a user who has turned two-factor authentication on (one row a user:
    no row, no second factor)."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    # The authenticator app needs the secret itself, so it cannot be hashed.
    secret: Mapped[str] = mapped_column(String(64))
    # The last 30-second step whose code was accepted: that code and earlier ones are spent.
    last_used_step: Mapped[int | None]
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def of(user: "User") -> "TwoFactor | None":
        """The user's second factor; None when it is off."""
        return db.session.get(TwoFactor, user.id)

    @staticmethod
    def is_on(user: "User") -> bool:
        return TwoFactor.of(user) is not None

    @staticmethod
    def provisioning_uri(secret: str, account: str, issuer: str) -> str:
        """The otpauth:// URI an authenticator app reads from the QR code."""
        return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)

    @staticmethod
    def matching_step(secret: str, code: str, for_time: float | None = None) -> int | None:
        """The step within the window whose code this is, latest first; None if none."""
        code = normalize_code(code)
        if not looks_like_totp(code):
            return None
        totp = pyotp.TOTP(secret)
        now = int(clock() if for_time is None else for_time) // totp.interval
        for step in range(now + WINDOW, now - WINDOW - 1, -1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                return step
        return None

    @staticmethod
    def enable(user: "User", secret: str, code: str, for_time: float | None = None) -> bool:
        """Turn the second factor on with this secret if `code` is its current code, and make
        new recovery codes (the caller commits and shows them); False for a wrong code."""
        step = TwoFactor.matching_step(secret, code, for_time)
        if step is None:
            return False
        db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
        db.session.add(TwoFactor(user_id=user.id, secret=secret, last_used_step=step))
        return True

    @staticmethod
    def disable(user: "User") -> None:
        """Turn the second factor off, recovery codes and all (the caller commits)."""
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))

    def use_code(self, code: str, for_time: float | None = None) -> bool:
        """True if `code` is a current code not used before, which is then spent (the caller
        commits): a code seen once (over a shoulder, in a phishing page) cannot sign in again."""
        step = self.matching_step(self.secret, code, for_time)
        if step is None:
            return False
        # In SQL: of two requests with the same code at once, only one moves the step on.
        spent = db.session.execute(
            update(TwoFactor)
            .where(
                TwoFactor.user_id == self.user_id,
                or_(TwoFactor.last_used_step.is_(None), TwoFactor.last_used_step < step),
            )
            .values(last_used_step=step)
            .execution_options(synchronize_session=False)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            return False
        self.last_used_step = step
        return True

    @staticmethod
    def check(user: "User", code: str, for_time: float | None = None) -> bool:
        """True if `code` is the user's current code or one of their recovery codes, which is
        then spent (the caller commits)."""
        second_factor = TwoFactor.of(user)
        if second_factor is None:
            return False
        if looks_like_totp(code):
            return second_factor.use_code(code, for_time)
        return RecoveryCode.use(user, code)


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))

    @staticmethod
    def replace_all(user: "User") -> list[str]:
        """New recovery codes for the user, the old ones void; the codes are readable only
        now (the caller commits, then shows them)."""
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        codes = [
            "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
            for _ in range(RECOVERY_CODE_COUNT)
        ]
        db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c)) for c in codes)
        return [format_recovery_code(code) for code in codes]

    @staticmethod
    def use(user: "User", code: str) -> bool:
        """True if `code` is one of the user's unused recovery codes, now deleted (the caller
        commits)."""
        normalized = normalize_recovery_code(code)
        if len(normalized) != RECOVERY_CODE_LENGTH:
            return False
        # A DELETE, not a read then a delete: of two requests with one code, one wins.
        used = db.session.execute(
            delete(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(normalized))
            .execution_options(synchronize_session=False)
        )
        return used.rowcount >= 1  # type: ignore[attr-defined]

    @staticmethod
    def left(user: "User") -> int:
        query = select(func.count()).where(RecoveryCode.user_id == user.id)
        return db.session.scalar(query) or 0
