import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Message, Notification, User
from tests.conftest import PASSWORD, add_user
from tests.messages.conftest import mark_read_form


def messages_to(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return [m.body for m in db.session.scalars(Message.received_by(user))]


def unread_notification(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        found = db.session.scalars(Notification.since(user, 0)).all()
        return [n.get_data() for n in found if n.name == "unread_message_count"]


def badge(response):
    match = re.search(r'<span id="message-count" class="([^"]*)"[^>]*>(\d+)</span>', response.text)
    assert match, "the page has no unread-messages badge"
    return match.group(2), "d-none" in match.group(1).split()


def bodies(response):
    return re.findall(r'class="message-body mb-0">([^<]*)<', response.text)


@pytest.fixture
def susan_and_john(make_user, auth):
    make_user("susan")
    make_user("john")
    auth.login("susan")


def test_send_message_stores_it_and_notifies_the_recipient(app, client, susan_and_john):
    form = client.get("/send_message/john")
    assert form.status_code == 200
    assert "Send a message to john" in form.text
    assert 'name="message"' in form.text

    response = client.post("/send_message/john", data={"message": "  hello john  "})
    assert response.status_code == 302
    assert response.headers["Location"] == "/user/john"
    assert "Your message has been sent." in client.get("/user/john").text
    assert messages_to(app, "john") == ["hello john"]
    assert unread_notification(app, "john") == [1]


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 281, "Field cannot be longer than 280 characters."),
    ],
)
def test_send_message_validation(app, client, susan_and_john, message, error):
    response = client.post("/send_message/john", data={"message": message})
    assert response.status_code == 200
    assert error in response.text
    assert messages_to(app, "john") == []


def test_a_message_of_280_characters_is_accepted(app, client, susan_and_john):
    assert client.post("/send_message/john", data={"message": "x" * 280}).status_code == 302
    assert messages_to(app, "john") == ["x" * 280]


@pytest.mark.parametrize("method", ["get", "post"])
def test_send_message_to_a_missing_user_is_404(client, susan_and_john, method):
    response = getattr(client, method)("/send_message/nobody", data={"message": "hi"})
    assert response.status_code == 404


def test_you_cannot_message_yourself(app, client, susan_and_john):
    response = client.post("/send_message/SUSAN", data={"message": "note to self"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/user/susan"
    assert "You cannot send a private message to yourself." in client.get("/user/susan").text
    assert messages_to(app, "susan") == []


def test_recipient_matches_in_any_letter_case(app, client, susan_and_john):
    assert client.post("/send_message/JoHn", data={"message": "hi"}).status_code == 302
    assert messages_to(app, "john") == ["hi"]


def test_pages_need_a_login(client):
    for path in ["/send_message/john", "/messages"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")


def test_sending_needs_the_csrf_token(make_app, make_user, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True, REDIS_URL=None)
    with app.app_context():
        for name in ["susan", "john"]:
            user = User(username=name, email=f"{name}@example.com")
            user.set_password("correct horse")
            db.session.add(user)
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    credentials = {"username": "susan", "password": "correct horse", "csrf_token": token}
    client.post("/auth/login", data=credentials)

    forged = client.post("/send_message/john", data={"message": "forged"})
    assert forged.status_code in (200, 400)
    assert messages_to(app, "john") == []

    token = csrf_token(client.get("/send_message/john"))
    sent = client.post("/send_message/john", data={"message": "real", "csrf_token": token})
    assert sent.status_code == 302
    assert messages_to(app, "john") == ["real"]


def test_profile_links(client, susan_and_john):
    other = client.get("/user/john").text
    assert 'href="/send_message/john"' in other
    assert "Export your posts" not in other
    own = client.get("/user/susan").text
    assert "/send_message/susan" not in own
    assert 'action="/export_posts"' in own


@pytest.fixture
def john_has_two_unread(client, auth, susan_and_john):
    client.post("/send_message/john", data={"message": "one"})
    client.post("/send_message/john", data={"message": "two"})
    auth.logout()
    auth.login("john")


def test_opening_the_messages_page_marks_nothing_read(app, client, john_has_two_unread):
    assert badge(client.get("/index")) == ("2", False)

    inbox = client.get("/messages")
    assert inbox.status_code == 200
    assert bodies(inbox) == ["two", "one"]
    # A GET changes nothing, so a link or a top-level navigation from another site cannot.
    assert badge(inbox) == ("2", False)
    assert badge(client.get("/index")) == ("2", False)
    assert unread_notification(app, "john") == [2]


def test_the_pages_post_marks_them_read(app, client, john_has_two_unread):
    form = mark_read_form(client.get("/messages"))
    answer = client.post("/messages/read", data=form, headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert answer.json == {"unread": 0}
    assert badge(client.get("/index")) == ("0", True)
    assert "mark-messages-read" not in client.get("/messages").text
    assert client.get("/notifications").json[-1] == {
        "name": "unread_message_count",
        "data": 0,
        "timestamp": pytest.approx(datetime.now(UTC).timestamp(), abs=60),
    }


def test_the_button_without_javascript_marks_them_read(client, john_has_two_unread):
    response = client.post("/messages/read", data=mark_read_form(client.get("/messages")))
    assert response.status_code == 302
    assert response.headers["Location"] == "/messages"
    assert badge(client.get("/index")) == ("0", True)


def test_a_message_that_came_after_the_page_stays_unread(client, auth, john_has_two_unread):
    form = mark_read_form(client.get("/messages"))
    auth.logout()
    auth.login("susan")
    client.post("/send_message/john", data={"message": "three"})
    auth.logout()
    auth.login("john")
    answer = client.post("/messages/read", data=form, headers={"Accept": "application/json"})
    assert answer.json == {"unread": 1}
    assert badge(client.get("/index")) == ("1", False)


@pytest.mark.parametrize("until", ["", "yesterday"])
def test_marking_read_needs_the_pages_time(client, john_has_two_unread, until):
    assert client.post("/messages/read", data={"until": until}).status_code == 400
    assert badge(client.get("/index")) == ("2", False)


def test_marking_read_never_goes_back_nor_ahead(app, make_user):
    make_user("john")
    now = datetime.now(UTC)
    with app.app_context():
        john = db.session.scalar(select(User).where(User.username == "john"))
        Message.mark_read(john, now + timedelta(days=1))
        assert now <= john.last_message_read_time <= datetime.now(UTC)
        later = john.last_message_read_time
        Message.mark_read(john, now - timedelta(days=1))
        assert john.last_message_read_time == later


def test_marking_read_needs_the_csrf_token(make_app, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True, REDIS_URL=None)
    add_user(app, "susan")
    add_user(app, "john")
    with app.app_context():
        susan, john = db.session.scalars(select(User).order_by(User.username.desc())).all()
        db.session.add(Message(sender_id=susan.id, recipient_id=john.id, body="hi"))
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    client.post("/auth/login", data={"username": "john", "password": PASSWORD, "csrf_token": token})

    form = mark_read_form(client.get("/messages"))
    forged = client.post("/messages/read", data={"until": form["until"]})
    assert forged.status_code == 400
    assert badge(client.get("/index")) == ("1", False)
    assert client.post("/messages/read", data=form).status_code == 302
    assert badge(client.get("/index")) == ("0", True)


def test_messages_are_paginated_newest_first(app, client, make_user, auth):
    make_user("susan")
    make_user("john")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with app.app_context():
        susan, john = db.session.scalars(select(User).order_by(User.username.desc())).all()
        for n in range(5):
            db.session.add(
                Message(
                    sender_id=susan.id,
                    recipient_id=john.id,
                    body=f"message {n}",
                    timestamp=start + timedelta(minutes=n),
                )
            )
        db.session.commit()
    auth.login("john")

    first = client.get("/messages")
    assert bodies(first) == ["message 4", "message 3", "message 2"]
    assert 'href="/messages?page=2">Older messages &rarr;</a>' in first.text

    second = client.get("/messages?page=2")
    assert bodies(second) == ["message 1", "message 0"]
    assert 'rel="next" href="#"' in second.text
    assert client.get("/messages?page=0").status_code == 404
    assert bodies(client.get("/messages?page=3")) == []


def test_an_empty_inbox(client, susan_and_john):
    assert "No messages yet." in client.get("/messages").text
