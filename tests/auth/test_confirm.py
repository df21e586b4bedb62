"""Email confirmation: sign-up mails a link; until it is followed the account reads but does
not post, message or follow; a banner resends it."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db, mail
from app.models import Message, Post, User
from app.models.confirmation import CONFIRM_PURPOSE
from app.models.tokens import signed_token
from tests.conftest import add_user
from tests.settings import PASSWORD

REFUSED = "Please confirm your email address first"
BANNER = "Please confirm your email address: follow the link we sent to"
INVALID = "This confirmation link is invalid, has expired"
LINK = re.compile(r"http://localhost(/auth/confirm/[\w.-]+)")


def confirmation_path(message) -> str:
    paths = set(LINK.findall(message.body)) | set(LINK.findall(message.html))
    assert len(paths) == 1, message.body
    return paths.pop()


def sign_up(client, username="alice", **headers) -> str:
    """Register through the form; the path of the emailed confirmation link."""
    with mail.record_messages() as outbox:
        data = {"username": username, "email": f"{username}@example.com"}
        data |= {"password": "a good password", "password2": "a good password"}
        assert client.post("/auth/register", data=data, headers=headers).status_code == 302
    assert [m.recipients for m in outbox] == [[f"{username}@example.com"]]
    return confirmation_path(outbox[0])


def confirmed_at(app, username="alice"):
    with app.app_context():
        return db.session.scalar(select(User.confirmed_at).where(User.username == username))


def test_sign_up_leaves_the_account_unconfirmed_until_the_link_is_followed(app, client, auth):
    path = sign_up(client)
    assert confirmed_at(app) is None

    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    assert "Thank you: your email address is confirmed." in response.text
    assert confirmed_at(app) is not None
    auth.login("alice", "a good password")
    assert BANNER not in client.get("/index").text


def test_the_link_is_in_the_users_language(app, client):
    with mail.record_messages() as outbox:
        sign_up(client, **{"Accept-Language": "es"})
    assert outbox[0].subject == "[Microblog] Bienvenido a Microblog"
    assert "Para confirmar que alice@example.com es tu dirección" in outbox[0].body


def test_following_the_link_twice_says_so(app, client):
    path = sign_up(client)
    client.get(path)
    first = confirmed_at(app)
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    assert "Your email address was already confirmed." in response.text
    assert confirmed_at(app) == first


def token_for(app, **claims) -> str:
    expires_in = claims.pop("expires_in", 600)
    purpose = claims.pop("purpose", CONFIRM_PURPOSE)
    with app.test_request_context():
        return signed_token(purpose, expires_in, **claims)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"expires_in": -10}, id="expired"),
        pytest.param({"purpose": "reset_password"}, id="another-purpose"),
        pytest.param({"email": "someone.else@example.com"}, id="another-address"),
        pytest.param({"sub": "999"}, id="unknown-account"),
        pytest.param({"sub": "1x"}, id="not-an-id"),
    ],
)
def test_a_link_that_does_not_fit_gets_a_clear_page(app, client, claims):
    sign_up(client)
    with app.app_context():
        user_id = str(db.session.scalar(User.by_username("alice")).id)
    token = token_for(app, **{"sub": user_id, "email": "alice@example.com", **claims})
    response = client.get(f"/auth/confirm/{token}")
    assert response.status_code == 400
    assert INVALID in response.text
    assert confirmed_at(app) is None


def test_an_altered_link_gets_a_clear_page(app, client):
    path = sign_up(client)
    head, payload, signature = path.rsplit("/", 1)[1].split(".")
    altered = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    for token in (f"{head}.{payload}.{altered}", "not-a-token", "a.b.c"):
        response = client.get(f"/auth/confirm/{token}")
        assert response.status_code == 400
        assert INVALID in response.text
    assert confirmed_at(app) is None


def test_a_link_for_an_address_the_account_no_longer_has(app, client):
    path = sign_up(client)
    with app.app_context():
        db.session.scalar(User.by_username("alice")).email = "alice@elsewhere.org"
        db.session.commit()
    response = client.get(path)
    assert response.status_code == 400
    assert INVALID in response.text
    assert confirmed_at(app) is None


@pytest.fixture
def alice(app, client, auth, make_user):
    """An unconfirmed alice, logged in, and a confirmed john to follow and write to."""
    make_user("alice", confirmed_at=None)
    make_user("john")
    auth.login("alice")


def test_an_unconfirmed_user_reads_every_page_with_the_banner(client, alice):
    for path in ("/index", "/explore", "/user/john", "/user/alice", "/messages"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert f"{BANNER} alice@example.com" in response.text, path


def test_a_confirmed_user_sees_no_banner(client, auth, make_user):
    make_user("susan")
    auth.login("susan")
    assert BANNER not in client.get("/index").text


def test_each_user_sees_their_own_address_in_the_banner(app, client, make_user, alice):
    assert "alice@example.com" in client.get("/explore").text
    make_user("bob", confirmed_at=None)
    other = app.test_client()
    other.post("/auth/login", data={"username": "bob", "password": PASSWORD})
    page = other.get("/explore").text
    assert f"{BANNER} bob@example.com" in page
    assert "alice@example.com" not in page


def rows(app, model) -> int:
    with app.app_context():
        return len(db.session.scalars(select(model)).all())


def test_an_unconfirmed_user_cannot_post(app, client, alice):
    response = client.post("/index", data={"post": "hello"}, follow_redirects=True)
    assert REFUSED in response.text
    assert response.request.path == "/index"
    assert rows(app, Post) == 0


def test_an_unconfirmed_user_cannot_send_a_message(app, client, alice):
    response = client.post("/send_message/john", data={"message": "hi"}, follow_redirects=True)
    assert REFUSED in response.text
    assert rows(app, Message) == 0


@pytest.mark.parametrize("action", ["follow", "unfollow"])
def test_an_unconfirmed_user_cannot_follow(app, client, alice, action):
    response = client.post(
        f"/{action}/john",
        headers={"Referer": "http://localhost/user/john"},
        follow_redirects=True,
    )
    assert REFUSED in response.text
    assert response.request.path == "/user/john"
    with app.app_context():
        assert db.session.scalar(User.by_username("alice")).following_count() == 0


def test_once_confirmed_the_user_posts(app, client, auth):
    path = sign_up(client)
    auth.login("alice", "a good password")
    client.get(path)
    client.post("/index", data={"post": "hello"})
    assert rows(app, Post) == 1


def test_the_banner_resends_the_link(app, client, alice):
    with mail.record_messages() as outbox:
        response = client.post("/auth/resend_confirmation", follow_redirects=True)
    assert "We have sent a new confirmation link to alice@example.com." in response.text
    assert [(m.recipients, m.subject) for m in outbox] == [
        (["alice@example.com"], "[Microblog] Confirm your email address")
    ]
    client.get(confirmation_path(outbox[0]))
    assert confirmed_at(app) is not None
    with mail.record_messages() as outbox:
        response = client.post("/auth/resend_confirmation", follow_redirects=True)
    assert outbox == []
    assert "Your email address was already confirmed." in response.text


def test_resending_needs_a_login(client):
    response = client.post("/auth/resend_confirmation")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_resending_is_behind_csrf(make_app, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True)
    add_user(app, "alice", confirmed_at=None)
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    client.post(
        "/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token}
    )
    with mail.record_messages() as outbox:
        refused = client.post("/auth/resend_confirmation")
    assert refused.status_code == 400
    assert outbox == []
    page = client.get("/index")
    with mail.record_messages() as outbox:
        client.post("/auth/resend_confirmation", data={"csrf_token": csrf_token(page)})
    assert len(outbox) == 1


def test_resending_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RESET_RATE_LIMIT="2 per minute")
    add_user(app, "alice", confirmed_at=None)
    client = app.test_client()
    client.post("/auth/login", data={"username": "alice", "password": PASSWORD})
    with mail.record_messages() as outbox:
        answers = [client.post("/auth/resend_confirmation").status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    assert len(outbox) == 2
