"""Every form that sets a password (NewPasswordForm) and the API refuse guessable ones."""

import pytest

from app.auth.passwords import common_passwords, is_common
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD

COMMON = "This is one of the 100,000 most common passwords"
GUESSABLE = "This password is too easy to guess"
USERNAME = "Your password must not be your username."
EMAIL = "Your password must not be your email address."

# For susansmith, whose email is susan.smith@example.com.
REFUSED = [
    ("password", COMMON),
    ("12345678", COMMON),
    ("Password1", COMMON),  # any letter case
    ("iloveyou2", COMMON),
    ("qwertyuiop", COMMON),
    ("p@ssw0rd!", GUESSABLE),  # l33t spelling of a common one
    ("zxcvbnm,./", GUESSABLE),  # a keyboard row
    ("19841231", GUESSABLE),  # a date,
    ("SusanSmith", USERNAME),
    ("susan.smith@example.com", EMAIL),
    ("SUSAN.SMITH", EMAIL),
    ("susan.smith1990", GUESSABLE),  # the address, and a year
]


def test_the_list_is_the_hundred_thousand_most_common():
    assert len(common_passwords()) > 95_000  # 100,000, fewer once letter case is folded
    assert is_common("123456789") and is_common("Dragon") and not is_common(PASSWORD)


def register_susan(client, password):
    data = {"username": "susansmith", "email": "susan.smith@example.com"}
    return client.post("/auth/register", data={**data, "password": password, "password2": password})


@pytest.mark.parametrize(("password", "error"), REFUSED)
def test_registration_refuses(client, password, error):
    response = register_susan(client, password)
    assert response.status_code == 200
    assert error in response.text


@pytest.mark.parametrize(("password", "error"), REFUSED)
def test_api_registration_refuses(client, password, error):
    account = {"username": "susansmith", "email": "susan.smith@example.com", "password": password}
    response = client.post("/api/users", json=account)
    assert response.status_code == 400
    assert error in response.json["fields"]["password"][0]


@pytest.mark.parametrize(("password", "error"), REFUSED)
def test_change_password_refuses(client, auth, make_user, password, error):
    make_user("susansmith", email="susan.smith@example.com")
    auth.login("susansmith")
    data = {"current_password": PASSWORD, "password": password, "password2": password}
    response = client.post("/auth/change_password", data=data)
    assert response.status_code == 200
    assert error in response.text


@pytest.mark.parametrize(("password", "error"), REFUSED)
def test_reset_refuses(app, client, make_user, password, error):
    make_user("susansmith", email="susan.smith@example.com")
    with app.app_context():
        token = db.session.scalar(User.by_username("susansmith")).get_reset_password_token()
    client.get(f"/auth/reset_password/{token}")
    response = client.post(
        "/auth/reset_password", data={"password": password, "password2": password}
    )
    assert response.status_code == 200
    assert error in response.text


@pytest.mark.parametrize("password", [PASSWORD, "a good password", "小红的密码是2026"])
def test_good_passwords_pass(client, password):
    assert register_susan(client, password).status_code == 302


def test_a_long_password_is_scored_by_its_start(client):
    """zxcvbn reads 72 characters at most: what follows cannot make a weak start strong."""
    assert GUESSABLE in register_susan(client, "a" * 72 + "Zq8#rT!w9$").text
    assert register_susan(client, "correct horse battery staple " * 8).status_code == 302
