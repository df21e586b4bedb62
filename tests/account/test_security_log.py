"""The security log: sign-ins, wrong passwords, password and email changes, sessions ended;
hidden addresses and short user agents; pruned after SECURITY_LOG_DAYS."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.account.security_log import LABELS
from app.extensions import db, mail
from app.models import ReservedUsername, SecurityEvent, User, record_security_event, utcnow
from app.models.security_event import hidden_address, short_user_agent
from tests.conftest import add_user
from tests.settings import PASSWORD

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def events(app, username="susan") -> list[SecurityEvent]:
    with app.app_context():
        user = db.session.scalar(User.by_username(username))
        found = db.session.scalars(SecurityEvent.of(user)).all()
        db.session.expunge_all()
        return list(reversed(found))


def kinds(app, username="susan") -> list[str]:
    return [event.kind for event in events(app, username)]


def test_a_sign_in_is_logged_with_a_hidden_address_and_a_short_agent(app, client, make_user):
    make_user("susan")
    client.post(
        "/auth/login",
        data={"username": "susan", "password": PASSWORD},
        headers={"User-Agent": FIREFOX},
        environ_base={"REMOTE_ADDR": "203.0.113.57"},
    )
    [event] = events(app)
    assert (event.kind, event.address, event.user_agent) == (
        "login",
        "203.0.113.x",
        "Firefox on Linux",
    )


def test_a_wrong_password_is_logged_for_an_existing_account_only(app, client, auth, make_user):
    make_user("susan")
    auth.login("susan", "wrong password")
    auth.login("SUSAN@example.com", "wrong password")
    auth.login("nobody", "wrong password")
    assert kinds(app) == ["login_failed", "login_failed"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(SecurityEvent)) == 2


def test_password_changes_resets_and_logouts_are_logged(app, client, auth, make_user):
    make_user("susan")
    auth.login()
    new = "a much better password"
    client.post(
        "/auth/change_password",
        data={"current_password": PASSWORD, "password": new, "password2": new},
    )
    auth.logout()
    with mail.record_messages() as outbox:
        client.post("/auth/reset_password_request", data={"email": "susan@example.com"})
    path = re.search(r"http://localhost(/auth/reset_password/\S+)", outbox[0].body).group(1)
    client.get(path)
    other = "another good password"
    client.post("/auth/reset_password", data={"password": other, "password2": other})
    assert kinds(app) == ["login", "password_changed", "logout", "password_reset"]


def test_the_page_shows_your_events_only(app, client, auth, make_user):
    make_user("susan")
    john = make_user("john")
    with app.app_context():
        record_security_event(john, "password_changed")
        record_security_event(john, "brand_new_kind")
        db.session.commit()
    auth.login("john")
    page = client.get("/account/security").text
    assert "Password changed" in page and "Signed in" in page
    assert "brand_new_kind" in page  # a kind nobody labelled yet shows its name
    auth.logout()
    auth.login("susan")
    page = client.get("/account/security").text
    assert "Signed in" in page and "Password changed" not in page
    assert 'href="/account/security"' in client.get("/account/").text


def test_the_page_shows_email_changes(app, client, auth, make_user):
    susan = make_user("susan")
    with app.app_context():
        record_security_event(susan, "email_changed", old="a@example.com", new="b@example.com")
        db.session.commit()
    auth.login()
    page = client.get("/account/security").text
    assert "Email address changed" in page and "a@example.com → b@example.com" in page


def test_the_page_needs_login(client):
    assert "/auth/login" in client.get("/account/security").headers["Location"]


def test_the_labels_are_translated(app, client, auth, make_user):
    make_user("susan", locale="zh_CN")
    auth.login()
    assert str(LABELS["login"]) not in client.get("/account/security").text


@pytest.mark.parametrize(
    ("address", "hidden"),
    [
        ("203.0.113.57", "203.0.113.x"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("not an address", ""),
        (None, ""),
    ],
)
def test_hidden_address(address, hidden):
    assert hidden_address(address) == hidden


@pytest.mark.parametrize(
    ("agent", "short"),
    [
        (FIREFOX, "Firefox on Linux"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        ("curl/8.5.0", "curl"),
        ("python-requests/2.32 " + "x" * 100, ("python-requests/2.32 " + "x" * 100)[:64]),
        ("", ""),
    ],
)
def test_short_user_agent(agent, short):
    assert short_user_agent(agent) == short


def test_prune_removes_old_events_and_ended_reservations(app_on_each_database):
    app = app_on_each_database
    susan = add_user(app, "susan")
    now = utcnow()
    with app.app_context():
        for age in (89, 91):
            event = record_security_event(susan, "login", age=age)
            event.created_at = now - timedelta(days=age)
        db.session.add(ReservedUsername(username="gone", username_skeleton="gone",
                                        reserved_until=now - timedelta(days=1)))  # fmt: skip
        ReservedUsername.reserve("kept", 30)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["accounts", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 security log event(s) older than 90 days." in result.output
    assert "Released 1 username(s) of deleted accounts." in result.output
    with app.app_context():
        assert [e.details["age"] for e in db.session.scalars(select(SecurityEvent))] == [89]
        assert db.session.scalars(select(ReservedUsername.username)).all() == ["kept"]
