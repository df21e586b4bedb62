"""Two-factor codes tried per account are limited, at login, enrolment and with API tokens,
sharing one count."""

import pytest

from tests.api.conftest import basic

WRONG = "not a code"


@pytest.fixture
def app(make_app):
    # A moving window: no count restarts at a clock minute's turn in the middle of a test.
    return make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STRATEGY="moving-window",
        TWO_FACTOR_RATE_LIMIT="100 per hour",
        TWO_FACTOR_ACCOUNT_RATE_LIMIT="3 per hour",
    )


def test_login_codes_are_limited_per_account(client, auth, enrolled):
    auth.login()
    for _ in range(3):
        assert client.post("/two-factor/verify", data={"code": WRONG}).status_code == 200
    # Even the right code, once the account's tries are spent.
    response = client.post("/two-factor/verify", data={"code": enrolled.code()})
    assert response.status_code == 429
    assert client.get("/index").status_code == 302


def test_the_count_is_the_accounts_not_the_browsers(app, auth, enrolled, make_user):
    make_user("john")
    first, second, other = app.test_client(), app.test_client(), app.test_client()
    for client in (first, second):
        client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    for _ in range(3):
        first.post("/two-factor/verify", data={"code": WRONG})
    assert second.post("/two-factor/verify", data={"code": WRONG}).status_code == 429
    # The API's tries for susan's account share the count...
    response = first.post("/api/tokens", headers={**basic("susan"), "X-OTP": enrolled.code()})
    assert response.status_code == 429
    # ...and other accounts keep theirs.
    other.post("/auth/login", data={"username": "john", "password": "correct horse"})
    assert other.get("/index").status_code == 200


def test_enrolment_codes_are_limited(client, auth, make_user, clock):
    make_user("susan")
    auth.login()
    client.get("/two-factor/setup")
    for _ in range(3):
        assert client.post("/two-factor/setup", data={"code": WRONG}).status_code == 200
    assert client.post("/two-factor/setup", data={"code": WRONG}).status_code == 429
