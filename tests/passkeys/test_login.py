"""Signing in with a passkey, no username typed, and a passkey as a second factor."""

import pytest
from flask import jsonify, request
from sqlalchemy import select

from app.extensions import db
from app.models import Passkey, User
from app.passkeys import ceremony
from app.passkeys.ceremony import PasskeyError
from tests.passkeys.authenticator import Authenticator


@pytest.fixture
def app(make_app):
    app = make_app()

    # What the second step of a password login does with a passkey (see ceremony.py).
    @app.post("/test/second-factor/<username>/options")
    def second_factor_options(username):
        user = db.session.scalar(select(User).where(User.username == username))
        return ceremony.authentication_options(user), {"Content-Type": "application/json"}

    @app.post("/test/second-factor/<username>")
    def second_factor(username):
        user = db.session.scalar(select(User).where(User.username == username))
        try:
            passkey = ceremony.authenticate(request.get_json()["credential"], user)
        except PasskeyError as error:
            return jsonify(message=str(error)), 400
        db.session.commit()
        return jsonify(passkey=passkey.name)

    return app


@pytest.fixture
def registered(client, make_user, auth, passkeys, authenticator):
    """susan, with a passkey on `authenticator`, logged out."""
    make_user("susan")
    auth.login()
    assert passkeys.register(authenticator).status_code == 200
    auth.logout()
    return authenticator


def passkey_of(app, authenticator) -> Passkey:
    with app.app_context():
        return Passkey.by_credential_id(authenticator.credential_id)


def test_sign_in_with_a_passkey(app, client, registered, passkeys):
    response = passkeys.login(registered)
    assert response.status_code == 200
    assert response.get_json() == {"redirect": "/index"}
    assert "Hi, susan!" in client.get("/index").text
    passkey = passkey_of(app, registered)
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None


def test_a_passkey_login_is_fresh(app, client, registered, passkeys):
    passkeys.login(registered)
    # Adding another passkey asks for no password first.
    assert client.post("/passkeys/register/options").status_code == 200


def test_options_name_no_credential_and_require_verification(client):
    options = client.post("/passkeys/login/options").get_json()
    assert options["rpId"] == "localhost"
    assert options["allowCredentials"] == []
    assert options["userVerification"] == "required"


@pytest.mark.parametrize(
    ("next_page", "location"),
    [("/user/susan", "/user/susan"), ("https://evil.example/", "/index"), (42, "/index")],
)
def test_next_page_stays_on_the_site(registered, passkeys, next_page, location):
    response = passkeys.login(registered, next=next_page)
    assert response.get_json() == {"redirect": location}


def test_remember_me(client, registered, passkeys):
    response = passkeys.login(registered, remember=True)
    assert any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_an_unknown_passkey_is_refused(client, registered, passkeys):
    response = passkeys.login(Authenticator(user_handle=b"1"))
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "Bad Request",
        "message": "This passkey is not registered here.",
    }
    assert client.get("/index").status_code == 302


def test_a_replayed_answer_is_refused(app, client, registered):
    options = client.post("/passkeys/login/options").get_json()
    body = {"credential": registered.get(options)}
    assert client.post("/passkeys/login", json=body).status_code == 200
    client.post("/auth/logout")
    response = client.post("/passkeys/login", json=body)
    assert response.status_code == 400
    assert "already used" in response.get_json()["message"]


def test_a_copied_authenticator_is_refused(app, client, registered, passkeys):
    assert passkeys.login(registered).status_code == 200
    client.post("/auth/logout")
    clone = Authenticator(
        credential_id=registered.credential_id,
        key=registered.key,
        sign_count=0,
        user_handle=registered.user_handle,
    )
    response = passkeys.login(clone)
    assert response.status_code == 400
    assert response.get_json()["message"] == (
        "This passkey's counter went backwards: it may have been copied, so it was refused."
    )
    assert passkey_of(app, registered).sign_count == 1
    assert client.get("/index").status_code == 302


def test_an_authenticator_without_a_counter_signs_in_again(app, client, registered):
    # Synced passkeys always send 0: nothing to compare, nothing refused.
    for _ in range(2):
        options = client.post("/passkeys/login/options").get_json()
        registered.sign_count = -1  # get() adds one: it sends 0
        credential = registered.get(options)
        assert client.post("/passkeys/login", json={"credential": credential}).status_code == 200
        client.post("/auth/logout")
    assert passkey_of(app, registered).sign_count == 0


def test_a_forged_signature_is_refused(app, client, registered):
    impostor = Authenticator(
        credential_id=registered.credential_id, user_handle=registered.user_handle
    )
    options = client.post("/passkeys/login/options").get_json()
    response = client.post("/passkeys/login", json={"credential": impostor.get(options)})
    assert response.status_code == 400
    assert response.get_json()["message"] == "The passkey could not be verified."
    assert passkey_of(app, registered).sign_count == 0


def test_another_users_handle_is_refused(client, registered):
    options = client.post("/passkeys/login/options").get_json()
    registered.user_handle = b"2"
    response = client.post("/passkeys/login", json={"credential": registered.get(options)})
    assert response.status_code == 400
    assert response.get_json()["message"] == "This passkey is not registered here."


@pytest.mark.parametrize(
    ("origin", "rp_id"),
    [("http://evil.example", "localhost"), ("http://localhost", "evil.example")],
)
def test_another_site_is_refused(client, registered, origin, rp_id):
    options = client.post("/passkeys/login/options").get_json()
    credential = registered.get(options, origin=origin, rp_id=rp_id)
    response = client.post("/passkeys/login", json={"credential": credential})
    assert response.status_code == 400
    assert response.get_json()["message"] == "The passkey could not be verified."


def test_an_answer_without_a_challenge_is_refused(client, registered):
    options = {"challenge": "AAAA"}
    response = client.post("/passkeys/login", json={"credential": registered.get(options)})
    assert response.status_code == 400
    assert "unknown or was already used" in response.get_json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'"text"',
        b"{}",
        b'{"credential": []}',
        b'{"credential": {"id": "A", "rawId": "A", "type": "public-key", "response": {'
        b'"clientDataJSON": "A", "authenticatorData": "A", "signature": "A",'
        b' "userHandle": "%%%"}}}',
        b'{"credential": {"id": "A", "rawId": "!", "type": "public-key", "response": {'
        b'"clientDataJSON": "A", "authenticatorData": "A", "signature": "A"}}}',
    ],
)
def test_malformed_requests_get_a_clear_400(client, registered, body):
    client.post("/passkeys/login/options")
    response = client.post(
        "/passkeys/login", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "Bad Request"


def test_garbled_authenticator_data_gets_a_clear_400(client, registered):
    options = client.post("/passkeys/login/options").get_json()
    credential = registered.get(options)
    credential["response"]["authenticatorData"] = "AAAA"
    response = client.post("/passkeys/login", json={"credential": credential})
    assert response.status_code == 400


def test_a_passkey_as_second_factor(app, client, registered, make_user):
    options = client.post("/test/second-factor/susan/options").get_json()
    assert options["allowCredentials"] == [
        {
            "id": registered.get({"challenge": ""})["id"],
            "type": "public-key",
            "transports": ["internal", "hybrid"],
        }
    ]
    assert options["userVerification"] == "discouraged"
    response = client.post(
        "/test/second-factor/susan", json={"credential": registered.get(options)}
    )
    assert response.get_json() == {"passkey": "Laptop"}


def test_a_second_factor_must_be_the_users_own(app, client, registered, make_user):
    make_user("john")
    options = client.post("/test/second-factor/john/options").get_json()
    response = client.post("/test/second-factor/john", json={"credential": registered.get(options)})
    assert response.status_code == 400
    assert response.get_json()["message"] == "This passkey is not registered here."


def test_a_login_challenge_is_no_second_factor(app, client, registered):
    options = client.post("/passkeys/login/options").get_json()
    response = client.post(
        "/test/second-factor/susan", json={"credential": registered.get(options)}
    )
    assert response.status_code == 400
    assert "unknown or was already used" in response.get_json()["message"]


def two_factor_on(app, username="susan"):
    """Two-factor authentication on for `username`, enrolled with a code of a past step."""
    import time

    import pyotp

    from app.models import TwoFactor

    secret = pyotp.random_base32()
    past = time.time() - 120
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert TwoFactor.enable(user, secret, pyotp.TOTP(secret).at(past), for_time=past)
        db.session.commit()


def test_the_code_step_offers_the_users_passkeys(app, client, registered, auth):
    two_factor_on(app)
    response = auth.login()
    assert response.headers["Location"] == "/two-factor/verify"
    page = client.get("/two-factor/verify").text
    assert 'data-verify-url="/passkeys/second-factor"' in page
    options = client.post("/passkeys/second-factor/options").get_json()
    assert [c["id"] for c in options["allowCredentials"]] == [
        registered.get({"challenge": ""})["id"]
    ]
    response = client.post("/passkeys/second-factor", json={"credential": registered.get(options)})
    assert response.get_json() == {"redirect": "/index"}
    assert client.get("/index").status_code == 200
    # The pending login is spent: the step cannot be finished twice.
    assert client.post("/passkeys/second-factor/options").status_code == 400


def test_no_passkey_step_without_a_password_first(app, client, registered):
    two_factor_on(app)
    assert client.post("/passkeys/second-factor/options").status_code == 400
    response = client.post("/passkeys/second-factor", json={"credential": {}})
    assert response.get_json()["message"] == "Please sign in again."
    assert client.get("/index").status_code == 302


def test_the_code_step_offers_no_passkey_to_users_without_one(app, client, make_user, auth):
    make_user("susan")
    two_factor_on(app)
    auth.login()
    assert "data-passkey-login" not in client.get("/two-factor/verify").text


def test_another_users_passkey_is_no_second_factor(app, client, registered, make_user, auth):
    make_user("john")
    two_factor_on(app, "john")
    auth.login("john")
    options = client.post("/passkeys/second-factor/options").get_json()
    assert options["allowCredentials"] == []
    response = client.post("/passkeys/second-factor", json={"credential": registered.get(options)})
    assert response.status_code == 400
    assert client.get("/index").status_code == 302
