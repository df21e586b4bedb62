"""Sent messages, conversations grouped by correspondent, and one conversation's page."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Message, User
from tests.conftest import PASSWORD, add_user

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def bodies(response) -> list[str]:
    return re.findall(r'class="message-body mb-0">([^<]*)<', response.text)


def exchange(app, *messages: tuple[str, str, str]) -> None:
    """(sender, recipient, body) in order, a minute apart."""
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(db.select(User))}
        for minute, (sender, recipient, body) in enumerate(messages):
            db.session.add(
                Message(
                    author=users[sender],
                    recipient=users[recipient],
                    body=body,
                    timestamp=T0 + timedelta(minutes=minute),
                )
            )
        db.session.commit()


@pytest.fixture
def talk(app):
    for name in ("susan", "john", "mary"):
        add_user(app, name)
    exchange(
        app,
        ("john", "susan", "j1"),
        ("susan", "john", "s1"),
        ("mary", "john", "private m1"),
        ("susan", "mary", "s2"),
        ("john", "susan", "j2"),
        ("john", "mary", "private j3"),
    )


def test_sent_lists_what_you_sent_newest_first(client, auth, talk):
    auth.login("susan")
    page = client.get("/messages/sent")
    assert page.status_code == 200
    assert bodies(page) == ["s2", "s1"]
    assert "To <a" in page.text and 'href="/messages/with/mary"' in page.text
    assert 'aria-current="page" href="/messages/sent"' in page.text


def test_conversations_are_grouped_by_correspondent(client, auth, talk):
    auth.login("susan")
    page = client.get("/messages/conversations").text
    rows = re.findall(r'<a href="/messages/with/(\w+)">\1</a>\s*<div[^>]*>\s*(\d+) messages?', page)
    assert rows == [("john", "3"), ("mary", "1")]  # john's last word is the newest


def test_a_conversation_shows_both_sides_and_nobody_elses(client, auth, talk):
    auth.login("susan")
    page = client.get("/messages/with/john")
    assert bodies(page) == ["j2", "s1", "j1"]
    assert page.text.count("message-mine") == 1 and "You said" in page.text
    assert 'href="/send_message/john"' in page.text
    # Mary's and john's messages to each other are in no page of susan's.
    for path in ("/messages/with/mary", "/messages/with/john", "/messages/sent", "/messages"):
        assert "private" not in client.get(path).text, path


def test_nobody_reads_others_conversations(client, auth, talk):
    auth.login("mary")
    assert bodies(client.get("/messages/with/john")) == ["private j3", "private m1"]
    assert bodies(client.get("/messages/with/susan")) == ["s2"]
    auth.logout()
    assert client.get("/messages/with/john").headers["Location"].startswith("/auth/login")
    assert client.get("/messages/sent").headers["Location"].startswith("/auth/login")


def test_unknown_and_own_names(client, auth, talk):
    auth.login("susan")
    assert client.get("/messages/with/nobody").status_code == 404
    assert client.get("/messages/with/susan").headers["Location"] == "/messages/conversations"


def test_pages_of_a_conversation(app, client, auth):
    # Three a page (tests/messages/conftest.py).
    add_user(app, "susan")
    add_user(app, "john")
    exchange(
        app,
        *[("john" if n % 2 else "susan", "susan" if n % 2 else "john", f"m{n}") for n in range(7)],
    )
    auth.login("susan")
    assert bodies(client.get("/messages/with/john")) == ["m6", "m5", "m4"]
    third = client.get("/messages/with/john?page=3")
    assert bodies(third) == ["m0"] and 'href="/messages/with/john?page=2"' in third.text
    assert client.get("/messages/with/john?page=0").status_code == 404


@pytest.mark.speedups
@pytest.mark.parametrize(
    "path", ["/messages/sent", "/messages/with/john", "/messages/conversations"]
)
def test_query_count_does_not_grow_with_page_size(make_app, count_queries, path):
    counts = []
    for per_page in (3, 12):
        app = make_app(POSTS_PER_PAGE=per_page)
        add_user(app, "susan")
        add_user(app, "john")
        for n in range(15):
            add_user(app, f"friend{n}")
        exchange(
            app,
            *[("susan", "john", f"to john {n}") for n in range(15)],
            *[("john", "susan", f"from john {n}") for n in range(15)],
            *[("susan", f"friend{n}", "hello") for n in range(15)],
        )
        client = app.test_client()
        client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
        client.get(path)
        with count_queries(app) as counter:
            page = client.get(path)
        assert page.status_code == 200
        assert len(bodies(page)) == per_page or page.text.count('class="conversation ') == per_page
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 3, counts


def test_conversations_on_each_database(app_on_each_database):
    """Grouping by "the other one" is one expression every database accepts."""
    app = app_on_each_database
    for name in ("susan", "john", "mary"):
        add_user(app, name)
    exchange(app, ("john", "susan", "a"), ("susan", "mary", "b"), ("susan", "john", "c"))
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    page = client.get("/messages/conversations").text
    assert re.findall(r'<a href="/messages/with/(\w+)">', page) == ["john", "mary"]
    assert bodies(client.get("/messages/with/john")) == ["c", "a"]
