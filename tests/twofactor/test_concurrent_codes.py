"""Two logins at the same moment with the same code (a phished code replayed while the user
types it): exactly one gets through, on each database. Both requests read the second factor
before either writes, as two workers would; what decides is the UPDATE's own WHERE (or the
DELETE of a recovery code), which the database runs one at a time for the row."""

import threading

import pytest

from app.extensions import db
from app.models import TwoFactor, User
from tests.conftest import add_user
from tests.twofactor.conftest import turn_on


def race(app, code: str) -> list[bool]:
    """Check `code` for susan in two threads, each with its own session and connection;
    both have read her second factor before either checks it."""
    both_read = threading.Barrier(2, timeout=30)
    results: list[bool] = []
    errors: list[BaseException] = []

    def log_in() -> None:
        try:
            with app.app_context():
                user = db.session.scalar(User.by_username("susan"))
                second_factor = TwoFactor.of(user)
                assert second_factor is not None
                both_read.wait()
                accepted = TwoFactor.check(user, code)
                db.session.commit()
                results.append(accepted)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
            both_read.abort()

    threads = [threading.Thread(target=log_in) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.fixture
def enrolled_everywhere(app_on_each_database, clock):
    add_user(app_on_each_database, "susan")
    return turn_on(app_on_each_database, "susan", clock)


def test_one_code_signs_in_once_when_two_logins_race(app_on_each_database, enrolled_everywhere):
    results = race(app_on_each_database, enrolled_everywhere.code())
    assert sorted(results) == [False, True]


def test_one_recovery_code_signs_in_once_when_two_logins_race(
    app_on_each_database, enrolled_everywhere
):
    results = race(app_on_each_database, enrolled_everywhere.recovery_codes[0])
    assert sorted(results) == [False, True]
