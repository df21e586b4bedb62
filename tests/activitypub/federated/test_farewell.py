"""A local account deleted or suspended: the Delete of its actor reaches its followers' servers
and every other server known, signed with the account's key though the account is gone or may
sign nothing else; lifting the suspension sends an Update of the actor."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.activitypub.keys import retired_sender
from app.extensions import db
from app.federation.delivery import deliver
from app.models import RetiredKey, User, utcnow
from tests.activitypub.federated.remote import SITE, remote_server, trust
from tests.activitypub.federated.test_outbox import bob_follows_susan, delivered
from tests.conftest import AuthActions, add_user

ACTOR = f"{SITE}/users/susan"


@pytest.fixture
def carol(mallory_key):
    """carol's server: known here, but nobody there follows susan."""
    with remote_server(mallory_key, {}) as remote:
        remote.name = "carol"
        remote.serve_actor()
        yield remote


def meet(app, client, bob, carol) -> None:
    """bob follows susan; carol's server is known (she sent something); both servers have
    susan's key, as after fetching her actor; john, a local user, follows susan."""
    bob_follows_susan(app, client, lambda name: add_user(app, name), bob)
    trust(app, carol, "susan")
    assert carol.post(client, carol.activity("Flag", "x")).status_code == 202
    john = add_user(app, "john")
    with app.app_context():
        db.session.get(User, john.id).follow(db.session.scalar(User.by_username("susan")))
        db.session.commit()


def the_delete(remote) -> dict:
    (delete,) = delivered(remote)
    assert delete["type"] == "Delete" and delete["object"] == ACTOR and delete["actor"] == ACTOR
    # Signed with susan's key, which the inbox checked.
    assert remote.inbox.refused == [] and remote.inbox.delivered[0][1] == f"{ACTOR}#main-key"
    return delete


def test_a_deleted_account_says_goodbye_with_its_key(app, client, bob, carol):
    meet(app, client, bob, carol)
    AuthActions(client).login("susan")
    response = client.post("/account/delete", data={"understood": "y"})
    assert response.status_code == 302
    the_delete(bob)
    the_delete(carol)
    with app.app_context():
        assert db.session.scalar(User.by_username("susan")) is None
        (kept,) = db.session.scalars(select(RetiredKey))
        assert kept.key_id == f"{ACTOR}#main-key"
        # Kept through every retry of a delivery, then pruned.
        assert kept.expires_at > utcnow() + timedelta(hours=18)
        assert RetiredKey.prune(kept.expires_at + timedelta(seconds=1)) == 1


def test_a_suspension_says_goodbye_and_its_end_says_hello(app, client, bob, carol):
    meet(app, client, bob, carol)
    add_user(app, "boss", is_admin=True)
    AuthActions(client).login("boss")
    client.post("/admin/users/susan/suspend")
    the_delete(bob)
    the_delete(carol)
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        # The follows with accounts elsewhere end, as those servers forget her; john's stays.
        followers = [u.username for u in db.session.scalars(susan.followers.select())]
        assert followers == ["john"]
        # Her own key signs nothing while she is suspended.
        deliver({"type": "Like", "id": "x"}, [f"{bob.server.url}/inbox"], sender_id=susan.id)
    assert len(bob.inbox.delivered) == 1
    for remote in (bob, carol):
        remote.inbox.delivered.clear()
    client.post("/admin/users/susan/unsuspend")
    for remote in (bob, carol):
        (update,) = delivered(remote)
        assert update["type"] == "Update" and update["object"]["id"] == ACTOR
        assert update["object"]["type"] == "Person"
        assert remote.inbox.delivered[0][1] == f"{ACTOR}#main-key"


def test_an_account_no_server_knows_sends_nothing(app, client, make_user, bob):
    make_user("susan")
    make_user("boss", is_admin=True)
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202  # a server known
    AuthActions(client).login("boss")
    client.post("/admin/users/susan/suspend")
    client.post("/admin/users/susan/unsuspend")
    assert bob.inbox.delivered == []
    with app.app_context():
        assert db.session.scalars(select(RetiredKey)).all() == []


def test_an_expired_key_signs_nothing(app, bob, make_user):
    susan = make_user("susan")
    trust(app, bob, "susan")
    with app.app_context():
        user = db.session.get(User, susan.id)
        kept = RetiredKey.keep(f"{ACTOR}#main-key", user.actor_key(), timedelta(hours=1))
        db.session.commit()
        deliver({"type": "Delete", "id": "a"}, [f"{bob.server.url}/inbox"], retired_sender(kept))
        kept.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        deliver({"type": "Delete", "id": "b"}, [f"{bob.server.url}/inbox"], retired_sender(kept))
    assert [activity["id"] for activity in delivered(bob)] == ["a"]
