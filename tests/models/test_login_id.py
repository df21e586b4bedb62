"""The login id in session and remember-me cookies: the user, their password's fingerprint and
the sign-in record (migration 0021 dropped the session generation the records replaced)."""

from tests.settings import PASSWORD


def login_id(client) -> str:
    with client.session_transaction() as session:
        return session["_user_id"]


def set_login_id(client, value: str) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = value


def signed_in(client) -> bool:
    return client.get("/index").status_code == 200


def test_the_id_names_user_fingerprint_and_record(client, auth, make_user):
    make_user("susan")
    auth.login()
    user_id, fingerprint, record = login_id(client).split(":")
    assert user_id.isdecimal() and fingerprint and record
    assert signed_in(client)


def test_an_id_with_a_generation_from_before_0021_still_loads(client, auth, make_user):
    make_user("susan")
    auth.login()
    user_id, fingerprint, record = login_id(client).split(":")
    set_login_id(client, f"{user_id}:7:{fingerprint}:{record}")
    assert signed_in(client)


def test_an_id_from_before_sign_in_records_does_not(client, auth, make_user):
    make_user("susan")
    auth.login()
    user_id, fingerprint, _record = login_id(client).split(":")
    set_login_id(client, f"{user_id}:0:{fingerprint}")
    assert not signed_in(client)


def test_logout_kills_a_copy_of_the_cookie(client, app, auth, make_user):
    make_user("susan")
    auth.login()
    saved = login_id(client)
    auth.logout()
    set_login_id(client, saved)
    assert not signed_in(client)
    # Signing in again makes a new record: the old id stays dead.
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    assert login_id(client) != saved
