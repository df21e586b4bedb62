"""POST /api/tokens for a user with two-factor authentication on: the code in X-OTP, or a
401 saying so in JSON."""

import pytest

from tests.api.conftest import basic, bearer


def test_token_with_the_code(client, enrolled):
    response = client.post("/api/tokens", headers={**basic("susan"), "X-OTP": enrolled.code()})
    assert response.status_code == 201
    me = client.get("/api/users/1", headers=bearer(response.json["token"]))
    assert me.status_code == 200


def test_token_without_the_code_is_refused_clearly(client, enrolled):
    response = client.post("/api/tokens", headers=basic("susan"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.json == {
        "error": "Unauthorized",
        "message": "This account has two-factor authentication: send the code from your "
        "authenticator app in the X-OTP header.",
    }


@pytest.mark.parametrize("code", ["000000x", "12", "not a code"])
def test_token_with_a_wrong_code(client, enrolled, code):
    response = client.post("/api/tokens", headers={**basic("susan"), "X-OTP": code})
    assert response.status_code == 401
    assert response.json["message"] == "The code in X-OTP is wrong or was already used."


def test_a_code_gets_one_token(client, enrolled):
    headers = {**basic("susan"), "X-OTP": enrolled.code()}
    assert client.post("/api/tokens", headers=headers).status_code == 201
    response = client.post("/api/tokens", headers=headers)
    assert response.status_code == 401
    assert "already used" in response.json["message"]


def test_recovery_codes_are_not_for_the_api(client, enrolled):
    headers = {**basic("susan"), "X-OTP": enrolled.recovery_codes[0]}
    assert client.post("/api/tokens", headers=headers).status_code == 401


def test_wrong_password_with_a_right_code(client, enrolled):
    headers = {**basic("susan", "wrong password"), "X-OTP": enrolled.code()}
    response = client.post("/api/tokens", headers=headers)
    assert response.status_code == 401
    assert response.json["message"] == "Invalid username or password"


def test_users_without_two_factor_need_no_code(client, make_user):
    make_user("john")
    assert client.post("/api/tokens", headers=basic("john")).status_code == 201
    # A stray X-OTP header changes nothing.
    headers = {**basic("john"), "X-OTP": "123456"}
    assert client.post("/api/tokens", headers=headers).status_code == 201
