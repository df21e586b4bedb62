"""The code checker (app/models/two_factor.py): a window of one step either side, each step
usable once, recovery codes usable once, only hashes stored."""

import hashlib

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import RecoveryCode, TwoFactor, User
from tests.twofactor.conftest import T0


def susan() -> User:
    return db.session.scalar(User.by_username("susan"))


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_codes_of_one_step_either_side_are_accepted(app, enrolled, offset, accepted):
    with app.app_context():
        assert TwoFactor.check(susan(), enrolled.code(offset)) is accepted


@pytest.mark.parametrize("seconds", [0, 29])
def test_a_code_lasts_its_step(app, enrolled, seconds):
    code = enrolled.code()
    enrolled.clock.advance(seconds)
    with app.app_context():
        assert TwoFactor.check(susan(), code)


def test_a_code_is_refused_the_second_time(app, enrolled):
    code = enrolled.code()
    with app.app_context():
        assert TwoFactor.check(susan(), code)
        db.session.commit()
    with app.app_context():
        assert not TwoFactor.check(susan(), code)


def test_a_used_step_spends_the_earlier_ones(app, enrolled):
    with app.app_context():
        assert TwoFactor.check(susan(), enrolled.code(1))
        db.session.commit()
        # The step before, still inside the window, but older than the one used.
        assert not TwoFactor.check(susan(), enrolled.code(0))
        assert not TwoFactor.check(susan(), enrolled.code(-1))


def test_the_next_step_works_after_one_is_used(app, enrolled):
    with app.app_context():
        assert TwoFactor.check(susan(), enrolled.code())
        db.session.commit()
        enrolled.clock.advance(30)
        assert TwoFactor.check(susan(), enrolled.code())


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", " ", "١٢٣٤٥٦", "12345\u200b6"])
def test_malformed_codes_are_refused(app, enrolled, code):
    with app.app_context():
        assert not TwoFactor.check(susan(), code)


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: f" {code} ",
        lambda code: f"{code[:3]} {code[3:]}",  # as the apps show it
        lambda code: code.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ],
)
def test_codes_as_people_type_them(app, enrolled, typed):
    with app.app_context():
        assert TwoFactor.check(susan(), typed(enrolled.code()))


def test_enable_needs_the_right_code(app, make_user, clock):
    make_user("susan")
    secret = pyotp.random_base32()
    with app.app_context():
        assert not TwoFactor.enable(
            susan(), secret, "000000" if pyotp.TOTP(secret).at(T0) != "000000" else "111111"
        )
        assert not TwoFactor.is_on(susan())
        assert TwoFactor.enable(susan(), secret, pyotp.TOTP(secret).at(T0))
        db.session.commit()
        assert TwoFactor.is_on(susan())
        # The enrolment's code is spent too.
        assert not TwoFactor.check(susan(), pyotp.TOTP(secret).at(T0))


def test_recovery_codes_work_once_each(app, enrolled):
    assert len(enrolled.recovery_codes) == 10
    assert len(set(enrolled.recovery_codes)) == 10
    first, second = enrolled.recovery_codes[:2]
    with app.app_context():
        assert TwoFactor.check(susan(), first)
        db.session.commit()
        assert not TwoFactor.check(susan(), first)
        # Typed in capitals, without the dashes: the same code.
        assert TwoFactor.check(susan(), second.replace("-", "").upper())
        db.session.commit()
        assert RecoveryCode.left(susan()) == 8


def test_only_hashes_of_recovery_codes_are_stored(app, enrolled):
    with app.app_context():
        stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    wanted = {
        hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in enrolled.recovery_codes
    }
    assert stored == wanted


def test_new_recovery_codes_void_the_old(app, enrolled):
    with app.app_context():
        fresh = RecoveryCode.replace_all(susan())
        db.session.commit()
        assert not TwoFactor.check(susan(), enrolled.recovery_codes[0])
        assert TwoFactor.check(susan(), fresh[0])


def test_another_users_recovery_code_is_refused(app, enrolled, make_user):
    make_user("john")
    with app.app_context():
        john = db.session.scalar(User.by_username("john"))
        assert not TwoFactor.check(john, enrolled.recovery_codes[0])
        assert not RecoveryCode.use(john, enrolled.recovery_codes[0])


def test_disable_removes_secret_and_codes(app, enrolled):
    with app.app_context():
        TwoFactor.disable(susan())
        db.session.commit()
        assert not TwoFactor.is_on(susan())
        assert RecoveryCode.left(susan()) == 0
        assert not TwoFactor.check(susan(), enrolled.code())


def test_deleting_the_user_deletes_the_rows(app, enrolled):
    with app.app_context():
        db.session.delete(susan())
        db.session.commit()
        assert db.session.scalar(select(TwoFactor)) is None
        assert db.session.scalar(select(RecoveryCode)) is None
