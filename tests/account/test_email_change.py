"""Changing the email address: fresh authentication, a link to the new address, a notice to
the old one whose link undoes the change for EMAIL_CHANGE_UNDO_DAYS."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.fresh import SESSION_KEY
from app.extensions import db, mail
from app.models import EmailChange, SecurityEvent, User, utcnow
from app.models.confirmation import CONFIRM_PURPOSE
from app.models.email_change import CHANGE_PURPOSE, UNDO_PURPOSE, Outcome
from app.models.passwords import RESET_PURPOSE
from app.models.tokens import signed_token
from tests.conftest import add_user
from tests.settings import PASSWORD

LINK = re.compile(r"http://localhost(/account/email/(?:confirm|undo)/[\w.-]+)")
RESET_LINK = re.compile(r"http://localhost(/auth/reset_password/[\w.-]+)")
INVALID = "This link is invalid, has expired or has already been used."


def link_in(message, pattern=LINK) -> str:
    paths = set(pattern.findall(message.body)) | set(pattern.findall(message.html))
    assert len(paths) == 1, message.body
    return paths.pop()


def email_of(app, username="susan") -> str:
    with app.app_context():
        return db.session.scalar(select(User.email).where(User.username == username))


def ask_for(client, new_email="new@example.com"):
    """Ask for the change on the settings page; the emailed link's path."""
    with mail.record_messages() as outbox:
        response = client.post("/account/email", data={"email": new_email})
    assert response.status_code == 302, response.text
    assert [m.recipients for m in outbox] == [[new_email.strip().lower()]]
    return link_in(outbox[0])


def follow(client, path):
    """Open an emailed link and press its button; the response and the mail it sent."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    with mail.record_messages() as outbox:
        response = client.post(path)
    return response, outbox


@pytest.fixture
def susan(client, auth, make_user):
    user = make_user("susan")
    auth.login()
    return user


def test_change_needs_a_fresh_login(client, susan):
    with client.session_transaction() as session:
        session[SESSION_KEY] = int(time.time()) - 3600
    for method in ("GET", "POST"):
        response = client.open("/account/email", method=method, data={"email": "x@example.com"})
        assert response.headers["Location"].startswith("/auth/reauthenticate?next=/account/email")


def test_change_needs_login(client):
    assert "/auth/login" in client.get("/account/email").headers["Location"]


def test_the_link_changes_the_address_and_tells_the_old_one(app, client, susan):
    path = ask_for(client, " New@Example.com ")
    assert email_of(app) == "susan@example.com"  # nothing changes until the link is followed
    page = client.get(path)
    assert "Make new@example.com the email address of susan?" in page.text
    assert email_of(app) == "susan@example.com"  # opening the link is not pressing the button

    response, outbox = follow(client, path)
    assert response.headers["Location"] == "/account/"
    assert email_of(app) == "new@example.com"
    assert [m.recipients for m in outbox] == [["susan@example.com"]]
    assert "was changed from susan@example.com to new@example.com" in outbox[0].body
    assert "/account/email/undo/" in link_in(outbox[0])
    # Used once: the same link does nothing more.
    again = client.get(path)
    assert again.status_code == 400
    assert INVALID in again.text


def test_the_link_works_in_another_browser(app, client, susan):
    path = ask_for(client)
    response, _ = follow(app.test_client(), path)
    assert response.headers["Location"] == "/auth/login"
    assert email_of(app) == "new@example.com"


def test_login_register_and_reset_use_the_new_address(app, client, auth, susan):
    follow(client, ask_for(client))
    auth.logout()
    assert auth.login("new@example.com").headers["Location"] == "/index"
    auth.logout()
    assert auth.login("susan@example.com").status_code == 200  # the old one signs in no more
    with mail.record_messages() as outbox:
        client.post("/auth/reset_password_request", data={"email": "new@example.com"})
    assert [m.recipients for m in outbox] == [["new@example.com"]]
    # The old address is free: a sign-up with it makes a new account.
    data = {"username": "other", "email": "susan@example.com"}
    data |= {"password": "a good password", "password2": "a good password"}
    client.post("/auth/register", data=data)
    assert email_of(app, "other") == "susan@example.com"


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("not-an-email", "Invalid email address."),
        ("SUSAN@example.com", "This is already your email address."),
        ("john@example.com", "Please use a different email address."),
        ("x" * 110 + "@example.com", "Field cannot be longer than 120 characters."),
    ],
)
def test_the_rules_of_sign_up(app, client, susan, make_user, email, error):
    make_user("john")
    with mail.record_messages() as outbox:
        response = client.post("/account/email", data={"email": email})
    assert response.status_code == 200
    assert error in response.text
    assert outbox == []


def test_link_after_someone_else_took_the_address(app, client, susan):
    path = ask_for(client)
    add_user(app, "rival", "new@example.com")
    response, outbox = follow(client, path)
    assert response.status_code == 409
    assert "Another account has this email address now." in response.text
    assert email_of(app) == "susan@example.com"
    assert outbox == []


def test_a_second_link_dies_with_the_first_change(app, client, susan):
    first = ask_for(client, "one@example.com")
    second = ask_for(client, "two@example.com")
    follow(client, first)
    assert client.get(second).status_code == 400
    assert email_of(app) == "one@example.com"


def undo_path(client) -> str:
    """Change susan's address to new@example.com; the path of the old address's undo link."""
    _, outbox = follow(client, ask_for(client))
    return link_in(outbox[0])


def test_undo_restores_ends_sessions_and_sends_a_reset(app, client, auth, susan):
    other_device = app.test_client()
    AuthActions = type(auth)
    AuthActions(other_device).login()
    path = undo_path(client)
    assert "Give susan its address susan@example.com back" in app.test_client().get(path).text

    response, outbox = follow(client, path)
    assert response.headers["Location"] == "/auth/login"
    assert email_of(app) == "susan@example.com"
    assert [m.recipients for m in outbox] == [["susan@example.com"]]
    assert "/auth/reset_password/" in link_in(outbox[0], RESET_LINK)
    message = client.get("/auth/login").text
    assert "every session has ended" in message
    assert "We have sent a link to susan@example.com to choose a new password." in message
    # Every session ended: this browser and the other one.
    assert client.get("/index").status_code == 302
    assert other_device.get("/index").status_code == 302
    # Used once.
    assert client.get(path).status_code == 400
    # The change link cannot be followed again to take the address back.
    with app.app_context():
        kinds = db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)).all()
    assert kinds[-3:] == ["email_changed", "email_change_undone", "sessions_ended"]


def test_the_change_link_cannot_be_replayed_after_an_undo(app, client, susan):
    change = ask_for(client)
    _, outbox = follow(client, change)
    follow(client, link_in(outbox[0]))
    assert email_of(app) == "susan@example.com"
    assert app.test_client().get(change).status_code == 400


def test_undo_within_the_days_and_not_after(app, client, susan):
    path = undo_path(client)
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        changed_at = db.session.scalar(select(EmailChange.changed_at))
        assert EmailChange.pending_undo(token, now=changed_at + timedelta(days=6, hours=23))
        assert EmailChange.undo(token, now=changed_at + timedelta(days=7)).outcome is (
            Outcome.INVALID
        )
        assert db.session.get(User, susan.id).email == "new@example.com"
        assert EmailChange.undo(token, now=changed_at + timedelta(days=1)).outcome is Outcome.DONE


def test_undo_after_the_old_address_was_taken(app, client, susan):
    path = undo_path(client)
    add_user(app, "rival", "susan@example.com")
    response, outbox = follow(client, path)
    assert response.status_code == 409
    assert email_of(app) == "new@example.com"
    assert outbox == []


@pytest.mark.parametrize(
    "purpose", [CONFIRM_PURPOSE, RESET_PURPOSE, UNDO_PURPOSE, "something_else"]
)
def test_the_change_link_refuses_tokens_of_other_purposes(app, client, susan, purpose):
    with app.test_request_context():
        claims = {"sub": str(susan.id), "old": "susan@example.com", "new": "x@example.com"}
        token = signed_token(purpose, 600, seq=0, change=1, email=susan.email, **claims)
    assert client.get(f"/account/email/confirm/{token}").status_code == 400
    assert client.post(f"/account/email/confirm/{token}").status_code == 400
    assert email_of(app) == "susan@example.com"


@pytest.mark.parametrize("purpose", [CONFIRM_PURPOSE, RESET_PURPOSE, CHANGE_PURPOSE])
def test_the_undo_link_refuses_tokens_of_other_purposes(app, client, susan, purpose):
    path = undo_path(client)
    with app.app_context():
        change_id = db.session.scalar(select(EmailChange.id))
        claims = {"sub": str(susan.id), "old": "new@example.com", "new": "susan@example.com"}
        token = signed_token(purpose, 600, seq=change_id, change=change_id, **claims)
    assert client.post(f"/account/email/undo/{token}").status_code == 400
    assert email_of(app) == "new@example.com"
    assert client.get(path).status_code == 200  # the real one still works


def test_the_change_and_undo_tokens_do_not_open_other_flows(app, client, susan):
    _, outbox = follow(client, ask_for(client))
    undo = link_in(outbox[0]).rsplit("/", 1)[1]
    assert client.get(f"/auth/confirm/{undo}").status_code == 400
    stranger = app.test_client()
    assert stranger.get(f"/auth/reset_password/{undo}", follow_redirects=True).status_code == 400
    with app.app_context():
        assert User.verify_reset_password_token(undo) is None


def test_an_undo_link_for_another_user_is_refused(app, client, susan):
    path = undo_path(client)
    token = path.rsplit("/", 1)[1]
    john = add_user(app, "john")
    with app.test_request_context():
        forged = signed_token(UNDO_PURPOSE, 600, sub=str(john.id), change=1)
    assert client.post(f"/account/email/undo/{forged}").status_code == 400
    assert token != forged


def test_mail_links_use_the_canonical_origin(make_app, make_user):
    app = make_app(
        SERVER_NAME="blog.example.com", PREFERRED_URL_SCHEME="https", TRUSTED_HOSTS=["evil.example"]
    )
    add_user(app, "susan")
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD},
                base_url="https://evil.example")  # fmt: skip
    with mail.record_messages() as outbox:
        client.post("/account/email", data={"email": "new@example.com"},
                    base_url="https://evil.example")  # fmt: skip
    assert "https://blog.example.com/account/email/confirm/" in outbox[0].body
    assert "evil.example" not in outbox[0].body


def test_settings_link_to_email_change(client, susan):
    assert 'href="/account/email"' in client.get("/account/").text
    assert "Your email address is susan@example.com." in client.get("/account/email").text


def test_undone_at_is_set(app, client, susan):
    follow(client, undo_path(client))
    with app.app_context():
        change = db.session.scalar(select(EmailChange))
        assert change.undone_at is not None and change.undone_at <= utcnow()
