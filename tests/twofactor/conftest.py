"""Fixtures for two-factor tests: a clock the tests set, and a user with the second factor on."""

from dataclasses import dataclass

import pyotp
import pytest

from app.extensions import db
from app.models import RecoveryCode, TwoFactor, User
from app.models import two_factor as two_factor_model

# A fixed moment, at the start of a 30-second step; every code is computed from it.
T0 = 1_800_000_000 - 1_800_000_000 % 30


class Clock:
    """The time two-factor codes are checked at: set by the test, never the wall clock's."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(T0)
    monkeypatch.setattr(two_factor_model, "clock", clock)
    return clock


@dataclass
class Enrolled:
    secret: str
    recovery_codes: list[str]
    clock: Clock

    def code(self, offset_steps: int = 0) -> str:
        """The code of the step `offset_steps` after the clock's."""
        return pyotp.TOTP(self.secret).at(self.clock.now, counter_offset=offset_steps)


def turn_on(app, username: str, clock: Clock, secret: str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"):
    """Turn the second factor on for a user, as enrolment does, with the code of an earlier
    step (so the clock's own step is still unused)."""
    with app.app_context():
        user = db.session.scalar(User.by_username(username))
        earlier = pyotp.TOTP(secret).at(clock.now - 60)
        assert TwoFactor.enable(user, secret, earlier, for_time=clock.now - 60)
        codes = RecoveryCode.replace_all(user)
        db.session.commit()
    return Enrolled(secret, codes, clock)


@pytest.fixture
def enrolled(app, make_user, clock) -> Enrolled:
    """susan, with two-factor authentication on."""
    make_user("susan")
    return turn_on(app, "susan", clock)
