"""Adding and removing passkeys (app/passkeys/routes.py, app/passkeys/ceremony.py)."""

import time

import pytest
from sqlalchemy import select

from app.auth.fresh import SESSION_KEY as FRESH_KEY
from app.extensions import db
from app.models import Passkey, User
from app.passkeys.ceremony import SESSION_KEY
from tests.account.test_security_log import kinds
from tests.conftest import add_user
from tests.passkeys.authenticator import Authenticator


def stored(app) -> list[Passkey]:
    with app.app_context():
        return list(db.session.scalars(select(Passkey).order_by(Passkey.id)))


@pytest.fixture
def susan(make_user, auth):
    user = make_user("susan")
    auth.login()
    return user


def test_register_a_passkey(app, client, susan, passkeys, authenticator):
    response = passkeys.register(authenticator, name="  My laptop ")
    assert response.status_code == 200
    assert response.get_json() == {"redirect": "/passkeys/"}
    [passkey] = stored(app)
    assert passkey.user_id == susan.id
    assert passkey.credential_id == authenticator.credential_id
    assert passkey.name == "My laptop"
    assert passkey.transports == ["internal", "hybrid"]
    assert passkey.sign_count == 0
    assert passkey.last_used_at is None
    page = client.get("/passkeys/").text
    assert "Passkey “My laptop” added." in page
    assert "My laptop" in page


def test_options_ask_for_a_discoverable_credential_and_exclude_known_ones(
    client, susan, passkeys, authenticator
):
    passkeys.register(authenticator)
    options = client.post("/passkeys/register/options").get_json()
    assert options["rp"] == {"name": "Microblog", "id": "localhost"}
    assert options["user"]["name"] == "susan"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert [c["id"] for c in options["excludeCredentials"]] == [passkeys_id(authenticator)]


def passkeys_id(authenticator: Authenticator) -> str:
    return authenticator.get({"challenge": ""})["id"]


def test_rp_id_and_origin_come_from_server_name(make_app):
    app = make_app(SERVER_NAME="example.com:8443", PREFERRED_URL_SCHEME="https")
    add_user(app, "susan")
    client = app.test_client()
    base = "https://example.com:8443"
    client.post(f"{base}/auth/login", data={"username": "susan", "password": "correct horse"})
    options = client.post(f"{base}/passkeys/register/options").get_json()
    assert options["rp"]["id"] == "example.com"
    authenticator = Authenticator()
    credential = authenticator.create(options, origin=base, rp_id="example.com")
    response = client.post(
        f"{base}/passkeys/register", json={"credential": credential, "name": "Key"}
    )
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the passkey a name."),
        ("   ", "Give the passkey a name."),
        (None, "Give the passkey a name."),
        (42, "Give the passkey a name."),
        ("x" * 65, "The name is too long (at most 64 characters)."),
    ],
)
def test_a_passkey_needs_a_name(app, susan, passkeys, authenticator, name, message):
    response = passkeys.register(authenticator, name=name)
    assert response.status_code == 400
    assert response.get_json() == {"error": "Bad Request", "message": message}
    assert stored(app) == []


def test_a_challenge_is_good_once(app, client, susan, authenticator):
    options = client.post("/passkeys/register/options").get_json()
    body = {"credential": authenticator.create(options), "name": "Laptop"}
    assert client.post("/passkeys/register", json=body).status_code == 200
    response = client.post("/passkeys/register", json=body)
    assert response.status_code == 400
    assert "already used" in response.get_json()["message"]
    assert len(stored(app)) == 1


def test_an_expired_challenge_is_refused(app, client, susan, authenticator):
    options = client.post("/passkeys/register/options").get_json()
    with client.session_transaction() as session:
        session[SESSION_KEY] = {**session[SESSION_KEY], "expires_at": int(time.time()) - 1}
    body = {"credential": authenticator.create(options), "name": "Laptop"}
    response = client.post("/passkeys/register", json=body)
    assert response.status_code == 400
    assert response.get_json()["message"] == "This passkey request has expired: try again."
    assert stored(app) == []


def test_another_challenge_is_refused(app, client, susan, authenticator):
    client.post("/passkeys/register/options")
    forged = {"challenge": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "user": {"id": "MQ"}}
    body = {"credential": authenticator.create(forged), "name": "Laptop"}
    response = client.post("/passkeys/register", json=body)
    assert response.status_code == 400
    assert response.get_json()["message"] == "The passkey could not be verified."
    assert stored(app) == []


@pytest.mark.parametrize(
    ("origin", "rp_id"),
    [("http://evil.example", "localhost"), ("http://localhost", "evil.example")],
)
def test_another_site_is_refused(app, susan, passkeys, authenticator, origin, rp_id):
    response = passkeys.register(authenticator, origin=origin, rp_id=rp_id)
    assert response.status_code == 400
    assert response.get_json()["message"] == "The passkey could not be verified."
    assert stored(app) == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"name": "Laptop"}',
        b'{"name": "Laptop", "credential": "text"}',
        b'{"name": "Laptop", "credential": {"id": "x", "rawId": "x", "response": {}}}',
        b'{"name": "Laptop", "credential": {"id": "!!", "rawId": "!!", "type": "public-key",'
        b' "response": {"clientDataJSON": "!!", "attestationObject": "%%"}}}',
        b"[" * 5000,
    ],
)
def test_malformed_requests_get_a_clear_400(app, client, susan, body):
    client.post("/passkeys/register/options")
    response = client.post(
        "/passkeys/register", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "Bad Request"
    assert stored(app) == []


def test_a_garbled_attestation_gets_a_clear_400(app, client, susan, authenticator):
    options = client.post("/passkeys/register/options").get_json()
    credential = authenticator.create(options)
    credential["response"]["attestationObject"] = "oWNmbXRkbm9uZQ"  # {"fmt": "none"} only
    response = client.post("/passkeys/register", json={"credential": credential, "name": "L"})
    assert response.status_code == 400
    assert stored(app) == []


def test_the_same_passkey_twice_is_refused(app, susan, passkeys, authenticator):
    assert passkeys.register(authenticator).status_code == 200
    response = passkeys.register(authenticator, name="Again")
    assert response.status_code == 400
    assert response.get_json()["message"] == "This passkey is already registered."
    assert len(stored(app)) == 1


def test_registering_needs_a_login(client):
    for url in ("/passkeys/register/options", "/passkeys/register"):
        response = client.post(url, json={})
        assert response.status_code == 403
        assert response.get_json()["message"] == "Please log in to access this page."


def test_registering_needs_a_fresh_login(app, client, susan, passkeys, authenticator):
    with client.session_transaction() as session:
        session[FRESH_KEY] = int(time.time()) - app.config["FRESH_AUTH_SECONDS"] - 1
    for url in ("/passkeys/register/options", "/passkeys/register"):
        response = client.post(url, json={})
        assert response.status_code == 403
        assert response.get_json()["redirect"] == "/auth/reauthenticate?next=/passkeys/"
    assert stored(app) == []


def test_the_page_lists_only_your_passkeys(app, client, make_user, auth, passkeys):
    make_user("susan")
    make_user("john")
    auth.login("john")
    passkeys.register(Authenticator(), name="Johns key")
    auth.logout()
    auth.login("susan")
    passkeys.register(Authenticator(), name="Susans key")
    page = client.get("/passkeys/").text
    assert "Susans key" in page
    assert "Johns key" not in page
    assert 'href="/passkeys/"' in client.get("/account/").text


def test_the_page_needs_a_login(client):
    response = client.get("/passkeys/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_remove_a_passkey(app, client, susan, passkeys, authenticator):
    passkeys.register(authenticator)
    assert kinds(app)[-1] == "passkey_added"
    [passkey] = stored(app)
    response = client.post(f"/passkeys/{passkey.id}/delete")
    assert response.headers["Location"] == "/passkeys/"
    assert stored(app) == []
    assert kinds(app)[-1] == "passkey_removed"
    assert "Passkey “Laptop” removed." in client.get("/passkeys/").text


def test_nobody_removes_another_users_passkey(app, client, make_user, auth, passkeys):
    make_user("susan")
    make_user("john")
    auth.login("john")
    passkeys.register(Authenticator())
    [johns] = stored(app)
    auth.logout()
    auth.login("susan")
    assert client.post(f"/passkeys/{johns.id}/delete").status_code == 404
    assert client.post("/passkeys/999/delete").status_code == 404
    assert len(stored(app)) == 1


def test_removing_needs_a_fresh_login(app, client, susan, passkeys, authenticator):
    passkeys.register(authenticator)
    [passkey] = stored(app)
    with client.session_transaction() as session:
        session[FRESH_KEY] = int(time.time()) - app.config["FRESH_AUTH_SECONDS"] - 1
    response = client.post(f"/passkeys/{passkey.id}/delete")
    assert response.headers["Location"].startswith("/auth/reauthenticate?next=")
    assert len(stored(app)) == 1
    # Back from the password page, the GET shows the list, to press the button again.
    with client.session_transaction() as session:
        session[FRESH_KEY] = int(time.time())
    response = client.get(f"/passkeys/{passkey.id}/delete")
    assert response.headers["Location"] == "/passkeys/"
    assert len(stored(app)) == 1


def test_deleting_the_user_deletes_their_passkeys(app, susan, passkeys, authenticator):
    passkeys.register(authenticator)
    with app.app_context():
        db.session.delete(db.session.get(User, susan.id))
        db.session.commit()
    assert stored(app) == []
