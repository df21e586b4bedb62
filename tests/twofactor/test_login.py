"""Logging in with two-factor authentication on: the password, then the code, in two steps
that cannot be skipped; the pending step is not a login anywhere, and it expires."""

import time

import pytest

from app.auth.second_factor import PENDING_KEY
from app.extensions import db
from app.models import User
from tests.settings import PASSWORD

VERIFY = "/two-factor/verify"


def is_logged_in(client) -> bool:
    return client.get("/index").status_code == 200


def test_password_then_code(client, auth, enrolled):
    response = auth.login()
    assert response.headers["Location"] == VERIFY
    assert not is_logged_in(client)
    page = client.get(VERIFY)
    assert "Open your authenticator app" in page.text
    response = client.post(VERIFY, data={"code": enrolled.code()})
    assert response.headers["Location"] == "/index"
    assert is_logged_in(client)
    with client.session_transaction() as session:
        assert PENDING_KEY not in session


def test_next_page_is_kept_across_the_step(client, enrolled):
    client.post("/auth/login?next=/explore", data={"username": "susan", "password": PASSWORD})
    response = client.post(VERIFY, data={"code": enrolled.code()})
    assert response.headers["Location"] == "/explore"


def test_remember_me_is_kept_across_the_step(client, auth, enrolled):
    auth.login(remember=True)
    assert client.get_cookie("remember_token") is None
    client.post(VERIFY, data={"code": enrolled.code()})
    assert client.get_cookie("remember_token") is not None


def test_no_remember_me_unless_asked(client, auth, enrolled):
    auth.login()
    client.post(VERIFY, data={"code": enrolled.code()})
    assert client.get_cookie("remember_token") is None


def test_wrong_code_keeps_you_out(client, auth, enrolled):
    auth.login()
    wrong = "000000" if enrolled.code() != "000000" else "111111"
    response = client.post(VERIFY, data={"code": wrong})
    assert response.status_code == 200
    assert "That code is not right, or it was already used." in response.text
    assert not is_logged_in(client)
    # Still pending: the right code works next.
    client.post(VERIFY, data={"code": enrolled.code()})
    assert is_logged_in(client)


def test_recovery_code_logs_in_once(client, auth, enrolled):
    code = enrolled.recovery_codes[0]
    auth.login()
    response = client.post(VERIFY, data={"code": code}, follow_redirects=True)
    assert "You have 9 recovery codes left." in response.text
    client.post("/auth/logout")
    auth.login()
    response = client.post(VERIFY, data={"code": code})
    assert "That code is not right, or it was already used." in response.text
    assert not is_logged_in(client)


def test_a_code_used_to_log_in_is_refused_again(client, auth, enrolled):
    code = enrolled.code()
    auth.login()
    client.post(VERIFY, data={"code": code})
    client.post("/auth/logout")
    auth.login()
    response = client.post(VERIFY, data={"code": code})
    assert "already used" in response.text
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    "url", ["/index", "/account/", "/two-factor/", "/two-factor/setup", "/auth/change_password"]
)
def test_pending_login_is_not_a_login(client, auth, enrolled, url):
    auth.login()
    response = client.get(url)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_pending_login_cannot_reauthenticate(client, auth, enrolled):
    auth.login()
    response = client.post("/auth/reauthenticate", data={"password": PASSWORD})
    assert "/auth/login" in response.headers["Location"]


def test_code_page_without_a_password_sends_to_login(client, enrolled):
    for method in (client.get, client.post):
        response = method(VERIFY, data={"code": enrolled.code()})
        assert response.headers["Location"] == "/auth/login"
    assert not is_logged_in(client)


def test_pending_login_expires(app, client, auth, enrolled):
    auth.login()
    with client.session_transaction() as session:
        expired = int(time.time()) - app.config["TWO_FACTOR_PENDING_SECONDS"]
        session[PENDING_KEY] = {**session[PENDING_KEY], "at": expired}
    response = client.post(VERIFY, data={"code": enrolled.code()}, follow_redirects=True)
    assert "Please sign in again." in response.text
    assert not is_logged_in(client)
    with client.session_transaction() as session:
        assert PENDING_KEY not in session


def test_pending_login_dies_with_a_new_password(app, client, auth, enrolled):
    auth.login()
    with app.app_context():
        user = db.session.scalar(User.by_username("susan"))
        user.set_password("another long password")
        db.session.commit()
    response = client.post(VERIFY, data={"code": enrolled.code()})
    assert response.headers["Location"] == "/auth/login"
    assert not is_logged_in(client)


def test_pending_login_of_a_deleted_user(app, client, auth, enrolled):
    auth.login()
    with app.app_context():
        db.session.delete(db.session.scalar(User.by_username("susan")))
        db.session.commit()
    response = client.post(VERIFY, data={"code": enrolled.code()})
    assert response.headers["Location"] == "/auth/login"


def test_wrong_password_never_reaches_the_code(client, auth, enrolled):
    response = auth.login(password="not the password")
    assert response.status_code == 200
    assert client.get(VERIFY).headers["Location"] == "/auth/login"


def test_users_without_two_factor_log_in_with_the_password(client, auth, make_user):
    make_user("john")
    response = auth.login("john")
    assert response.headers["Location"] == "/index"
    assert is_logged_in(client)


def test_password_reset_does_not_turn_two_factor_off(app, client, auth, enrolled):
    with app.app_context():
        token = db.session.scalar(User.by_username("susan")).get_reset_password_token()
    client.get(f"/auth/reset_password/{token}")
    new_password = "a brand new secret phrase"
    response = client.post(
        "/auth/reset_password", data={"password": new_password, "password2": new_password}
    )
    assert response.headers["Location"] == "/auth/login"
    response = auth.login(password=new_password)
    assert response.headers["Location"] == VERIFY
    assert not is_logged_in(client)
    client.post(VERIFY, data={"code": enrolled.recovery_codes[0]})
    assert is_logged_in(client)


def test_logged_in_user_visiting_the_code_page(client, auth, enrolled):
    auth.login()
    client.post(VERIFY, data={"code": enrolled.code()})
    assert client.get(VERIFY).headers["Location"] == "/index"
