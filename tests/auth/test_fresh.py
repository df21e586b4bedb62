"""Fresh authentication: account changes ask for the password again after a while."""

import time

import pytest

from app.auth.fresh import SESSION_KEY, fresh_login_required
from tests.settings import PASSWORD


@pytest.fixture
def app(make_app):
    app = make_app(FRESH_AUTH_SECONDS=600)

    @app.route("/sensitive", methods=["GET", "POST"])
    @fresh_login_required
    def sensitive():
        return "changed"

    return app


def age_session(client, seconds):
    with client.session_transaction() as session:
        session[SESSION_KEY] = int(time.time()) - seconds


def test_login_with_a_password_is_fresh(client, auth, make_user):
    make_user("susan")
    auth.login()
    assert client.get("/sensitive").text == "changed"


def test_anonymous_goes_to_login(client):
    response = client.get("/sensitive")
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_stale_session_asks_for_the_password(client, auth, make_user, method):
    make_user("susan")
    auth.login()
    age_session(client, 601)
    response = client.open("/sensitive?tab=x", method=method)
    assert response.status_code == 302
    expected = "next=/sensitive?tab%3Dx" if method == "GET" else "next=/sensitive"
    assert response.headers["Location"] == f"/auth/reauthenticate?{expected}"


def test_remembered_session_is_not_fresh(client, auth, make_user):
    make_user("susan")
    auth.login(remember=True)
    with client.session_transaction() as session:
        session.clear()  # the browser was closed: only the remember-me cookie is left
    assert client.get("/").status_code == 200
    response = client.get("/sensitive")
    assert response.headers["Location"].startswith("/auth/reauthenticate")


def test_wrong_password_stays_stale(client, auth, make_user):
    make_user("susan")
    auth.login()
    age_session(client, 3600)
    response = client.post(
        "/auth/reauthenticate?next=/sensitive", data={"password": "not my password"}
    )
    assert response.status_code == 200
    assert "Your password is wrong." in response.text
    assert client.get("/sensitive").status_code == 302


def test_right_password_goes_back(client, auth, make_user, app):
    make_user("susan")
    auth.login()
    age_session(client, 3600)
    page = client.get("/auth/reauthenticate?next=/sensitive")
    assert "Please enter your password again to continue." in page.text
    response = client.post("/auth/reauthenticate?next=/sensitive", data={"password": PASSWORD})
    assert response.headers["Location"] == "/sensitive"
    assert client.get("/sensitive").text == "changed"


def test_foreign_next_is_ignored(client, auth, make_user):
    make_user("susan")
    auth.login()
    response = client.post(
        "/auth/reauthenticate?next=https://evil.example/", data={"password": PASSWORD}
    )
    assert response.headers["Location"] == "/account/"


def test_reauthenticate_needs_login(client):
    assert "/auth/login" in client.get("/auth/reauthenticate").headers["Location"]
