"""The messages pages on PostgreSQL, on a freshly migrated database of their own."""

import re
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Message, Notification, User
from tests.conftest import TEST_CONFIG
from tests.databases import server_database
from tests.messages.conftest import mark_read_form

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def badge(response):
    return re.search(r'id="message-count" class="([^"]*)"[^>]*>(\d+)<', response.text).groups()


@pytest.fixture
def app(monkeypatch):
    monkeypatch.chdir(ROOT)  # Flask-Migrate finds migrations/ from the working directory
    with server_database("postgres") as url:
        app = create_app(
            {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "POSTS_PER_PAGE": 2}
        )
        with app.app_context():
            flask_migrate.upgrade()
        yield app
        with app.app_context():
            db.engine.dispose()


def test_messages_on_postgresql(app, client, make_user, auth):
    make_user("susan")
    make_user("john")
    auth.login("susan")
    for body in ["one", "two", "three"]:
        response = client.post("/send_message/JOHN", data={"message": body})
        assert response.status_code == 302
    assert client.post("/send_message/susan", data={"message": "me"}).status_code == 302
    auth.logout()
    auth.login("john")

    assert badge(client.get("/index")) == ("badge text-bg-danger", "3")
    assert client.get("/notifications?since=0").json[0]["data"] == 3

    first = client.get("/messages")
    assert first.text.index(">three<") < first.text.index(">two<")
    assert ">one<" not in first.text
    second = client.get("/messages?page=2")
    assert ">one<" in second.text
    assert badge(client.get("/index")) == ("badge text-bg-danger", "3")
    answer = client.post("/messages/read", data=mark_read_form(second))
    assert answer.status_code == 302
    assert badge(client.get("/index")) == ("badge text-bg-danger d-none", "0")

    with app.app_context():
        john = db.session.scalar(select(User).where(User.username == "john"))
        assert john.count_unread_messages() == 0
        assert john.last_message_read_time is not None
        (unread,) = db.session.scalars(Notification.since(john, 0))
        assert unread.get_data() == 0
        assert db.session.scalar(select(Message).where(Message.body == "me")) is None
