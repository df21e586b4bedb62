"""Usernames: one rule set (app/auth/forms.py check_username) for sign-up, profile edits and
the API, read on the normalized name, refusing invisible, mixed-script and look-alike names."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.username import mixes_scripts, skeleton
from tests.api.conftest import bearer

PASSWORD = "a good password"
INVISIBLE = "Use only letters"  # or "invisible characters": either refuses


def register(client, username):
    data = {"username": username, "email": "new@example.com"}
    return client.post("/auth/register", data={**data, "password": PASSWORD, "password2": PASSWORD})


def usernames(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(User.username).order_by(User.id)).all()


REFUSED = [
    # (name, message): alice exists.
    ("ALICE", "Please use a different username."),
    ("a1ice", "Please use a different username."),  # digit 1 looks like l: the same skeleton
    ("аlice", "Use the letters of one script"),  # Cyrillic а with Latin
    ("alice\u3164", "invisible characters"),  # Hangul filler, a letter to \w
    ("\u3164\u3164\u3164", "invisible characters"),
    ("\uffa0bob", "invisible characters"),
    ("bo\u200bb", "invisible characters"),  # zero-width space
    ("x½y", "Use only letters"),  # stored as x1⁄2y: a fraction slash
    ("pаypal", "Use the letters of one script"),  # Latin with Cyrillic
    ("αlpha", "Use the letters of one script"),  # Greek with Latin
    ("abc٣", "Use the letters of one script"),  # Arabic digit with Latin
    ("さくら한국", "Use the letters of one script"),  # Japanese kana with Hangul
]


@pytest.mark.parametrize(("username", "error"), REFUSED)
def test_register_refuses(app, client, make_user, username, error):
    make_user("alice")
    response = register(client, username)
    assert response.status_code == 200
    assert error in response.text
    assert usernames(app) == ["alice"]


@pytest.mark.parametrize(
    "username", ["小红", "小红2026", "小红abc", "さくら小红", "김민수kim", "Zoë", "асе", "bob"]
)
def test_names_of_one_script_or_latin_with_cjk_are_welcome(app, client, make_user, username):
    make_user("alice")
    response = register(client, username)
    assert response.status_code == 302, response.text
    assert usernames(app)[-1] == username.lower()


def test_whole_script_look_alikes_are_refused(app, client, make_user):
    """асе is all Cyrillic, one script, and reads as Latin ace: the skeleton catches it."""
    make_user("ace")
    assert "Please use a different username." in register(client, "асе").text
    make_user("mike")
    assert "Please use a different username." in register(client, "rnike").text


def test_every_user_keeps_the_skeleton_of_their_name(app, make_user):
    make_user("mike")
    with app.app_context():
        user = db.session.scalar(User.by_username("mike"))
        assert user.username_skeleton == skeleton("mike") == "rnike"
        user.username = "oscar"
        assert user.username_skeleton == "oscar"


@pytest.mark.parametrize(("username", "error"), REFUSED)
def test_edit_profile_refuses_the_same(app, client, auth, make_user, username, error):
    make_user("alice")
    make_user("susan")
    auth.login("susan")
    response = client.post("/edit_profile", data={"username": username, "about_me": ""})
    assert response.status_code == 200
    assert error in response.text
    assert usernames(app) == ["alice", "susan"]


@pytest.mark.parametrize(("username", "error"), REFUSED)
def test_api_rename_refuses_the_same(app, client, make_user, username, error):
    make_user("alice")
    susan = make_user("susan")
    token = client.post(
        "/api/tokens", auth=("susan", "correct horse"), headers={"Accept": "application/json"}
    ).json["token"]
    response = client.put(
        f"/api/users/{susan.id}", json={"username": username}, headers=bearer(token)
    )
    assert response.status_code == 400
    assert error in response.json["fields"]["username"][0]
    assert usernames(app) == ["alice", "susan"]


def test_api_sign_up_refuses_a_look_alike(app, client, make_user):
    make_user("alice")
    account = {"username": "a1ice", "email": "new@example.com", "password": PASSWORD}
    response = client.post("/api/users", json=account)
    assert response.status_code == 400
    assert response.json["fields"]["username"] == ["Please use a different username."]


@pytest.mark.parametrize(("username", "fits"), [("ab", False), ("小", False), ("小红", True)])
def test_a_name_is_three_columns_wide(app, client, username, fits):
    """At least 3 characters, Chinese, Japanese and Korean ones counting twice as they do on
    screen: 小红 is a whole name, ab is not."""
    response = register(client, username)
    assert (response.status_code == 302) is fits
    if not fits:
        assert "Use at least 3 characters" in response.text


def test_keeping_a_name_from_before_the_rules_is_allowed(app, client, auth, make_user):
    """A name stored before these rules may break them: its owner can still edit the profile."""
    make_user("pаypal")  # mixed scripts, stored earlier
    auth.login("pаypal")
    response = client.post("/edit_profile", data={"username": "PАYPAL", "about_me": "hi"})
    assert response.status_code == 302


def test_renaming_to_a_look_alike_of_your_own_name_is_allowed(app, client, auth, make_user):
    make_user("mike")
    auth.login("mike")
    response = client.post("/edit_profile", data={"username": "rnike", "about_me": ""})
    assert response.headers["Location"] == "/user/rnike"


@pytest.mark.parametrize(
    ("name", "mixed"),
    [
        ("alice", False),
        ("аlice", True),
        ("小红2026", False),
        ("ㄅㄆ小红ab", False),
        ("한국abc", False),
    ],
)
def test_highly_restrictive_scripts(name, mixed):
    assert mixes_scripts(name) is mixed
