import re

import pytest

from app.extensions import mail

PASSWORD = "correct horse"  # the make_user default
NEW_PASSWORD = "battery staple"


def change(client, current=PASSWORD, password=NEW_PASSWORD, password2=None):
    with mail.record_messages() as outbox:
        response = client.post(
            "/auth/change_password",
            data={
                "current_password": current,
                "password": password,
                "password2": password if password2 is None else password2,
            },
        )
    return response, outbox


def can_log_in(app, password, username="susan"):
    response = app.test_client().post(
        "/auth/login", data={"username": username, "password": password}
    )
    return response.status_code == 302


def test_requires_login(client):
    for response in (client.get("/auth/change_password"), change(client)[0]):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")


def test_change_password_page(client, auth, make_user):
    make_user()
    auth.login()
    response = client.get("/auth/change_password")
    assert response.status_code == 200
    assert 'name="current_password"' in response.text


def test_change_password(app, client, auth, make_user):
    make_user()
    auth.login()
    response, outbox = change(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/index"
    assert "Your password has been changed." in client.get("/").text
    assert [m.recipients for m in outbox] == [["susan@example.com"]]
    assert "password was changed" in outbox[0].subject
    assert not can_log_in(app, PASSWORD)
    assert can_log_in(app, NEW_PASSWORD)


def test_wrong_current_password(app, client, auth, make_user):
    make_user()
    auth.login()
    response, outbox = change(client, current="not my password")
    assert response.status_code == 200
    assert "Your current password is wrong." in response.text
    assert outbox == []
    assert can_log_in(app, PASSWORD)


@pytest.mark.parametrize(
    ("password", "password2", "error"),
    [
        ("short", None, "between 8 and 256 characters"),
        ("SUSAN123", None, "must not be your username"),
        (NEW_PASSWORD, "different", "Passwords must match."),
    ],
)
def test_new_password_rules(app, client, auth, make_user, password, password2, error):
    make_user("susan123", email="susan@example.com")
    client.post("/auth/login", data={"username": "susan123", "password": PASSWORD})
    response, _ = change(client, password=password, password2=password2)
    assert response.status_code == 200
    assert error in response.text
    assert can_log_in(app, PASSWORD, "susan123")


def test_change_ends_other_sessions_but_not_this_one(app, client, auth, make_user):
    make_user()
    auth.login(remember=True)
    elsewhere = app.test_client()
    elsewhere.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    remembered = app.test_client()
    remembered.post(
        "/auth/login", data={"username": "susan", "password": PASSWORD, "remember_me": "y"}
    )
    remembered.delete_cookie("session")

    response, _ = change(client)
    assert response.status_code == 302

    assert client.get("/").status_code == 200
    # This browser's remember-me cookie was renewed too, so it survives a closed browser.
    client.delete_cookie("session")
    assert client.get("/").status_code == 200
    assert elsewhere.get("/index").headers["Location"].startswith("/auth/login")
    assert remembered.get("/index").headers["Location"].startswith("/auth/login")


def test_change_password_fields_are_current_new_confirm(client, auth, make_user):
    make_user()
    auth.login()
    page = client.get("/auth/change_password").text
    labels = re.findall(r'<label class="form-label" for="(\w+)">([^<]+)</label>', page)
    assert labels == [
        ("current_password", "Current password"),
        ("password", "New password"),
        ("password2", "Confirm new password"),
    ]
    assert 'autocomplete="current-password"' in page
