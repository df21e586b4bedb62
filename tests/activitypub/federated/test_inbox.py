"""The inboxes: what they refuse (too large, not JSON, unsigned, forged, signed by someone
else) having changed nothing, and what they take once however often it is delivered."""

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.federation.signatures import sign_request
from app.models import InboxActivity, RemoteActor, User
from tests.activitypub.federated.remote import (
    ACTIVITY_JSON,
    SETTINGS,
    SITE,
    Remote,
    remote_server,
)
from tests.federation.servers import Reply


def follow_of(bob, name="susan") -> dict:
    return bob.activity("Follow", f"{SITE}/users/{name}")


def follower_names(app, name="susan") -> list[str]:
    with app.app_context():
        user = db.session.scalar(User.by_username(name))
        return [u.username for u in db.session.scalars(user.followers.select())]


def taken(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(InboxActivity))


def test_a_signed_follow_is_taken_and_bob_remembered(app, client, make_user, bob):
    make_user("susan")
    response = bob.post(client, follow_of(bob))
    assert response.status_code == 202
    handle = f"bob@{bob.server.url.removeprefix('http://')}"
    assert follower_names(app) == [handle]
    with app.app_context():
        actor = RemoteActor.by_uri(bob.actor)
        assert actor.key_id == bob.key_id and actor.shared_inbox == f"{bob.server.url}/inbox"
        assert actor.user.about_me == "Hi & welcome"


def test_a_users_inbox_takes_activities_too(client, make_user, bob):
    make_user("susan")
    assert bob.post(client, follow_of(bob), path="/users/susan/inbox").status_code == 202
    assert bob.post(client, follow_of(bob), path="/users/nobody/inbox").status_code == 404


def test_the_same_activity_twice_acts_once(app, client, make_user, bob):
    make_user("susan")
    follow = follow_of(bob)
    assert bob.post(client, follow).status_code == 202
    with app.app_context():
        user = db.session.scalar(User.by_username("susan"))
        follower = db.session.scalar(select(User).where(User.username != "susan"))
        follower.unfollow(user)
        db.session.commit()
    assert bob.post(client, follow).status_code == 202
    assert follower_names(app) == []  # not followed again
    assert taken(app) == 1


def test_unsigned_requests_are_refused(app, client, make_user, bob):
    make_user("susan")
    response = client.post("/inbox", data=json.dumps(follow_of(bob)), headers=ACTIVITY_JSON)
    assert response.status_code == 401
    assert follower_names(app) == [] and taken(app) == 0


def test_a_forged_signature_is_refused(app, client, make_user, bob, mallory_key):
    make_user("susan")
    assert bob.post(client, follow_of(bob), key=mallory_key).status_code == 401
    assert follower_names(app) == [] and taken(app) == 0


def test_a_changed_body_is_refused(app, client, make_user, bob):
    make_user("susan")
    body = json.dumps(follow_of(bob)).encode()
    headers = sign_request("POST", f"{SITE}/inbox", ACTIVITY_JSON, body, bob.key_id,
                           bob.key.private_pem)  # fmt: skip
    changed = body.replace(b"susan", b"john")
    assert client.post("/inbox", data=changed, headers=headers).status_code == 401


def test_an_activity_of_another_actor_is_refused(app, client, make_user, bob):
    make_user("susan")
    follow = follow_of(bob) | {"actor": bob.server.url + "/users/carol"}
    follow["id"] = bob.server.url + "/users/carol/follows/1"
    assert bob.post(client, follow).status_code == 401
    assert follower_names(app) == [] and taken(app) == 0


def test_an_unreachable_actor_is_refused(app, client, make_user, bob):
    make_user("susan")
    bob.server.routes["/users/bob"] = Reply(404)
    assert bob.post(client, follow_of(bob)).status_code == 401


def test_a_new_key_is_fetched_when_the_old_one_fails(app, client, make_user, bob, mallory_key):
    make_user("susan")
    assert bob.post(client, follow_of(bob)).status_code == 202
    bob.key = mallory_key  # bob's server rotated his key
    bob.serve_actor()
    assert bob.post(client, bob.activity("Undo", follow_of(bob))).status_code == 202
    assert follower_names(app) == []
    with app.app_context():
        assert RemoteActor.by_uri(bob.actor).public_key_pem == mallory_key.public_pem


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"[" * 100_000 + b"]" * 100_000, 400),
        (b"[1, 2]", 400),
        (b'{"type": "Follow"}', 400),
        (b"x" * (1024 * 1024 + 1), 413),
    ],
)
def test_bodies_that_are_not_activities(client, body, status):
    assert client.post("/inbox", data=body, headers=ACTIVITY_JSON).status_code == status


def test_an_id_on_another_server_is_refused(app, client, make_user, bob):
    make_user("susan")
    follow = follow_of(bob) | {"id": "https://elsewhere.example/follows/1"}
    assert bob.post(client, follow).status_code == 400
    assert taken(app) == 0


def test_unknown_types_are_taken_and_ignored(app, client, bob):
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202


def test_the_deletion_of_an_account_never_known_is_taken_without_fetching(client, bob):
    bob.server.routes["/users/bob"] = Reply(410)
    assert bob.post(client, bob.activity("Delete", bob.actor)).status_code == 202
    assert bob.server.received == []


def test_the_inbox_is_rate_limited_per_address(make_app, bob):
    app = make_app(**SETTINGS, RATELIMIT_ENABLED=True, INBOX_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [bob.post(client, bob.activity("Flag", "x")).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]


def test_the_inbox_is_rate_limited_per_sending_server(make_app, bob, bob_key, mallory_key):
    app = make_app(**SETTINGS, RATELIMIT_ENABLED=True, INBOX_HOST_RATE_LIMIT="3 per minute")
    client = app.test_client()
    carol = Remote(bob.server, bob_key, bob.inbox, name="carol")  # on bob's server
    carol.serve_actor()
    statuses = []
    for n, sender in enumerate((bob, carol, bob, carol)):
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"  # a server sends from many addresses
        statuses.append(sender.post(client, sender.activity("Flag", "x")).status_code)
    assert statuses == [202, 202, 202, 429]
    with remote_server(mallory_key, {}) as other:  # another server has its own count
        assert other.post(client, other.activity("Flag", "x")).status_code == 202


def test_unverified_deliveries_spend_no_servers_allowance(make_app, bob, mallory_key):
    app = make_app(**SETTINGS, RATELIMIT_ENABLED=True, INBOX_HOST_RATE_LIMIT="1 per minute")
    client = app.test_client()
    for _ in range(3):  # claiming to be bob, without his key
        assert bob.post(client, bob.activity("Flag", "x"), key=mallory_key).status_code == 401
        unsigned = json.dumps(bob.activity("Flag", "x"))
        assert client.post("/inbox", data=unsigned, headers=ACTIVITY_JSON).status_code == 401
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 429


def test_an_actor_given_as_an_object_is_read_by_its_id(app, client, make_user, bob):
    make_user("susan")
    follow = bob.activity("Follow", f"{SITE}/users/susan")
    follow["actor"] = {"id": bob.actor, "type": "Person"}
    assert bob.post(client, follow).status_code == 202
    assert len(follower_names(app)) == 1


def test_an_actor_taking_a_name_already_taken_is_refused(app, client, make_user, bob):
    make_user("susan")
    assert bob.post(client, follow_of(bob)).status_code == 202
    with app.app_context():  # an older account of that name, gone from bob's server since
        old = RemoteActor.by_uri(bob.actor)
        old.uri, old.key_id = f"{bob.server.url}/users/old-bob", "old-key"
        db.session.commit()
    assert bob.post(client, follow_of(bob)).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RemoteActor)) == 1
