"""Fresh authentication with a passkey: one of the user's own, verified by PIN or
biometrics, stands for the password (and the code of a two-factor user)."""

import pytest

from app.auth.fresh import SESSION_KEY
from tests.passkeys.authenticator import Authenticator
from tests.twofactor.conftest import T0, Clock, turn_on

OPTIONS, VERIFY = "/passkeys/reauthenticate/options", "/passkeys/reauthenticate"


@pytest.fixture
def stale(client, make_user, auth, passkeys, authenticator):
    """susan, signed in long ago, with a passkey on `authenticator`."""
    make_user("susan")
    auth.login()
    assert passkeys.register(authenticator).status_code == 200
    with client.session_transaction() as session:
        session[SESSION_KEY] = 0
    return authenticator


def is_fresh(client) -> bool:
    return client.post("/passkeys/register/options").status_code == 200


def reauthenticate(client, authenticator, **get):
    options = client.post(OPTIONS).get_json()
    credential = authenticator.get(options, **get)
    return client.post(VERIFY, json={"credential": credential, "next": "/passkeys/"})


def test_a_passkey_makes_the_session_fresh(client, stale):
    assert not is_fresh(client)
    response = reauthenticate(client, stale)
    assert response.status_code == 200
    assert response.get_json() == {"redirect": "/passkeys/"}
    assert is_fresh(client)


def test_options_ask_for_verification_and_the_users_passkeys(client, stale):
    options = client.post(OPTIONS).get_json()
    assert options["userVerification"] == "required"
    assert len(options["allowCredentials"]) == 1


def test_an_unverified_passkey_is_refused(client, stale):
    response = reauthenticate(client, stale, verified=False)
    assert response.status_code == 400
    assert not is_fresh(client)


def test_someone_elses_passkey_is_refused(client, auth, make_user, passkeys, stale):
    other = Authenticator()
    auth.logout()
    make_user("john")
    auth.login("john")
    assert passkeys.register(other).status_code == 200
    with client.session_transaction() as session:
        session[SESSION_KEY] = 0
    response = reauthenticate(client, stale)
    assert response.status_code == 400
    assert response.get_json()["message"] == "This passkey is not registered here."
    assert not is_fresh(client)


def test_a_sign_in_challenge_does_not_reauthenticate(client, stale):
    options = client.post("/passkeys/login/options").get_json()
    response = client.post(VERIFY, json={"credential": stale.get(options)})
    assert response.status_code == 400
    assert not is_fresh(client)


def test_needs_a_signed_in_user(client):
    assert client.post(OPTIONS).status_code == 403
    assert client.post(VERIFY, json={}).status_code == 403


def test_the_page_offers_a_passkey(client, stale):
    page = client.get("/auth/reauthenticate")
    assert "/passkeys/reauthenticate/options" in page.text


def test_a_passkey_stands_for_both_factors(app, client, stale):
    turn_on(app, "susan", Clock(T0))
    assert reauthenticate(client, stale).status_code == 200
    assert client.get("/two-factor/disable").status_code == 200
