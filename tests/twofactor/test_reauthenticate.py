"""Fresh authentication for a two-factor user: the password alone is one factor, so the code
(or a recovery code) is asked too; it must not be easier than signing in."""

from app.auth.fresh import SESSION_KEY
from tests.settings import PASSWORD

REAUTH = "/auth/reauthenticate?next=/two-factor/disable"


def sign_in_stale(client, auth, enrolled):
    auth.login()
    client.post("/two-factor/verify", data={"code": enrolled.code()})
    with client.session_transaction() as session:
        session[SESSION_KEY] = 0  # long ago
    enrolled.clock.advance(30)  # the login's code is spent: the next step's is new


def is_fresh(client) -> bool:
    return client.get("/two-factor/disable").status_code == 200


def test_the_page_asks_for_the_code(client, auth, enrolled):
    sign_in_stale(client, auth, enrolled)
    page = client.get(REAUTH)
    assert 'name="code"' in page.text


def test_password_alone_is_not_enough(client, auth, enrolled):
    sign_in_stale(client, auth, enrolled)
    response = client.post(REAUTH, data={"password": PASSWORD})
    assert response.status_code == 200
    assert "Enter the code from your authenticator app." in response.text
    assert not is_fresh(client)


def test_password_and_code(client, auth, enrolled):
    sign_in_stale(client, auth, enrolled)
    response = client.post(REAUTH, data={"password": PASSWORD, "code": enrolled.code()})
    assert response.headers["Location"] == "/two-factor/disable"
    assert is_fresh(client)


def test_a_code_is_spent_by_reauthentication(client, auth, enrolled):
    sign_in_stale(client, auth, enrolled)
    code = enrolled.code()
    client.post(REAUTH, data={"password": PASSWORD, "code": code})
    with client.session_transaction() as session:
        session[SESSION_KEY] = 0
    response = client.post(REAUTH, data={"password": PASSWORD, "code": code})
    assert "That code is not right, or it was already used." in response.text
    assert not is_fresh(client)


def test_a_recovery_code_works(client, auth, enrolled):
    sign_in_stale(client, auth, enrolled)
    code = enrolled.recovery_codes[0]
    response = client.post(REAUTH, data={"password": PASSWORD, "code": code})
    assert response.headers["Location"] == "/two-factor/disable"


def test_a_wrong_password_does_not_spend_the_code(client, auth, enrolled):
    sign_in_stale(client, auth, enrolled)
    code = enrolled.code()
    response = client.post(REAUTH, data={"password": "wrong", "code": code})
    assert "Your password is wrong." in response.text
    response = client.post(REAUTH, data={"password": PASSWORD, "code": code})
    assert response.headers["Location"] == "/two-factor/disable"


def test_a_wrong_code_is_refused(client, auth, enrolled):
    sign_in_stale(client, auth, enrolled)
    response = client.post(REAUTH, data={"password": PASSWORD, "code": "000000"})
    assert "That code is not right" in response.text
    assert not is_fresh(client)


def test_users_without_two_factor_see_no_code_field(client, auth, make_user):
    make_user("john")
    auth.login("john")
    assert 'name="code"' not in client.get(REAUTH).text
