"""Deliveries without Redis: each inbox once, in threads of the app, signed at send time."""

import logging

import pytest
from flask import Flask

from app.federation.delivery import (
    DeliveryFailed,
    SigningKey,
    deliver,
    init_app,
    post_activity,
    set_key_loader,
    unique_inboxes,
)
from tests.federation.inbox import SignedInbox
from tests.federation.servers import Reply, http_server

KEY_ID = "https://blog.example/users/alice#main-key"
ACTIVITY = {
    "@context": "https://www.w3.org/ns/activitystreams",
    "type": "Create",
    "actor": "https://blog.example/users/alice",
    "object": {"type": "Note", "content": "hello"},
}


@pytest.fixture
def app(make_app, alice_key):
    app = make_app(
        REDIS_URL=None, FEDERATION_ALLOW_HTTP=True, FEDERATION_ALLOW_PRIVATE_ADDRESSES=True
    )
    keys = {1: SigningKey(KEY_ID, alice_key.private_pem)}
    set_key_loader(app, keys.get)
    return app


@pytest.fixture
def inbox(alice_key):
    return SignedInbox({KEY_ID: alice_key.public_pem})


def test_each_inbox_gets_the_activity_once_signed_by_the_sender(app, inbox):
    with http_server(answer=inbox) as server, app.app_context():
        inboxes = [
            f"{server.url}/users/bob/inbox",
            f"{server.url}/inbox",
            f"{server.url}/inbox",  # bob's and carol's shared inbox
            f"{server.url.upper().replace('HTTP', 'http')}/inbox",
        ]
        queued = deliver(ACTIVITY, inboxes, sender_id=1)
    assert queued == [f"{server.url}/users/bob/inbox", f"{server.url}/inbox"]
    assert sorted(inbox.delivered, key=lambda d: d[0]) == [
        ("/inbox", KEY_ID, ACTIVITY),
        ("/users/bob/inbox", KEY_ID, ACTIVITY),
    ]
    assert inbox.refused == []
    assert {r.headers["Content-Type"] for r in server.received} == {
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    }


def test_the_key_is_looked_up_when_the_activity_is_sent(app, inbox, alice_key, mallory_key):
    # The sender's key changed after the activity was written: the new one signs it.
    new_key = "https://blog.example/users/alice#key-2"
    set_key_loader(app, lambda sender_id: SigningKey(new_key, mallory_key.private_pem))
    inbox.public_keys[new_key] = mallory_key.public_pem
    with http_server(answer=inbox) as server, app.app_context():
        deliver(ACTIVITY, [f"{server.url}/inbox"], sender_id=1)
    assert [key_id for _, key_id, _ in inbox.delivered] == [new_key]


def test_a_sender_without_a_key_sends_nothing(app, inbox):
    with http_server(answer=inbox) as server, app.app_context():
        deliver(ACTIVITY, [f"{server.url}/inbox"], sender_id=2)
    assert server.received == []


def test_a_dead_inbox_is_logged_without_redis(app, free_port, caplog):
    with app.app_context(), caplog.at_level(logging.ERROR, logger=app.logger.name):
        assert deliver(ACTIVITY, [f"http://127.0.0.1:{free_port}/inbox"], 1)
    assert f"Could not deliver to http://127.0.0.1:{free_port}/inbox" in caplog.text


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, True),
        (202, True),
        (410, False),
        (401, False),
        (404, False),
        (429, None),
        (500, None),
        (503, None),
    ],
)
def test_an_inbox_answer_is_taken_refused_or_retried(app, status, outcome):
    with http_server({"/inbox": Reply(status)}) as server, app.app_context():
        if outcome is None:
            with pytest.raises(DeliveryFailed, match=str(status)):
                post_activity(ACTIVITY, f"{server.url}/inbox", 1)
        else:
            assert post_activity(ACTIVITY, f"{server.url}/inbox", 1) is outcome


def test_an_inbox_at_a_private_address_is_never_tried(make_app, alice_key, caplog):
    app = make_app(REDIS_URL=None, FEDERATION_ALLOW_HTTP=True)
    set_key_loader(app, lambda sender_id: SigningKey(KEY_ID, alice_key.private_pem))
    with http_server({"/inbox": Reply(202)}) as server, app.app_context():
        # Not worth trying again: the address will not become public.
        assert post_activity(ACTIVITY, f"{server.url}/inbox", 1) is False
    assert server.received == []
    assert "not public" in caplog.text


@pytest.mark.parametrize(
    ("inboxes", "unique"),
    [
        (["https://a.example/inbox", "https://a.example/inbox"], ["https://a.example/inbox"]),
        (["https://A.example/inbox", "HTTPS://a.example/inbox"], ["https://a.example/inbox"]),
        (
            ["https://a.example/Inbox", "https://a.example/inbox"],
            ["https://a.example/Inbox", "https://a.example/inbox"],
        ),
        (
            [" https://a.example/i ", "https://b.example/i"],
            ["https://a.example/i", "https://b.example/i"],
        ),
        (["mailto:a@example.com", "", "/inbox", "https://a.example/i"], ["https://a.example/i"]),
    ],
)
def test_unique_inboxes(app, inboxes, unique):
    with app.app_context():
        assert unique_inboxes(inboxes) == unique


def test_nothing_is_sent_before_a_key_loader_is_registered(caplog):
    # The microblog app registers its loader at startup (app/activitypub/keys.py): a bare app.
    app = Flask("bare")
    app.config.update(REDIS_URL=None)
    init_app(app)
    with http_server({"/inbox": Reply(202)}) as server, app.app_context():
        assert post_activity(ACTIVITY, f"{server.url}/inbox", 1) is False
    assert server.received == []
    assert "No key loader is registered" in caplog.text
