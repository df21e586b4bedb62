"""bob's actor fetched again: when it is older than FEDERATION_ACTOR_MAX_AGE and he sends us
something or his profile is shown (in the background: the test app's thread runner waits for
it), and at once when he sends an Update of himself."""

import json
from datetime import timedelta

from app.extensions import db
from app.models import RemoteActor, utcnow
from tests.activitypub.federated.remote import ACTIVITY_JSON
from tests.conftest import AuthActions
from tests.federation.conftest import KeyPair
from tests.federation.servers import Reply


def actor_fetches(bob) -> int:
    return sum(1 for r in bob.server.received if r.method == "GET" and r.path == "/users/bob")


def know_bob(app, client, bob, age: timedelta) -> None:
    """bob, known here (he sent something), his actor read `age` ago."""
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202
    with app.app_context():
        RemoteActor.by_uri(bob.actor).fetched_at = utcnow() - age
        db.session.commit()


def change_bob(bob, new_key: KeyPair) -> None:
    """bob's server now says he has a name, another summary, an icon, another inbox and key."""
    document = bob.document() | {
        "name": "Bob <b>Builder</b>",
        "summary": "<p>Can we fix it?</p>",
        "icon": {"type": "Image", "url": f"{bob.server.url}/bob.png"},
        "inbox": f"{bob.actor}/new-inbox",
    }
    document["publicKey"] = document["publicKey"] | {"publicKeyPem": new_key.public_pem}
    bob.server.routes["/users/bob"] = Reply(200, json.dumps(document).encode(), ACTIVITY_JSON)


def actor(app, bob) -> dict:
    with app.app_context():
        known = RemoteActor.by_uri(bob.actor)
        return {
            "name": known.name,
            "about_me": known.user.about_me,
            "icon_url": known.icon_url,
            "inbox": known.inbox,
            "key": known.public_key_pem,
            "fresh": known.fetched_at > utcnow() - timedelta(minutes=5),
        }


def test_a_stale_actor_is_fetched_again_when_he_writes(app, client, make_user, bob, mallory_key):
    make_user("susan")
    know_bob(app, client, bob, timedelta(days=2))
    change_bob(bob, mallory_key)
    fetched = actor_fetches(bob)
    # Signed with the key we kept: taken, then bob is fetched again.
    assert bob.post(client, bob.activity("Flag", "y")).status_code == 202
    assert actor_fetches(bob) == fetched + 1
    assert actor(app, bob) == {
        "name": "Bob Builder",
        "about_me": "Can we fix it?",
        "icon_url": f"{bob.server.url}/bob.png",
        "inbox": f"{bob.actor}/new-inbox",
        "key": mallory_key.public_pem,
        "fresh": True,
    }
    # The name shows on his profile (his picture does not: see README, "Joining the fediverse").
    AuthActions(client).login("susan")
    handle = f"bob@{bob.server.url.removeprefix('http://')}"
    assert '<p class="lead remote-name">Bob Builder</p>' in client.get(f"/user/{handle}").text


def test_a_fresh_actor_is_not_fetched(app, client, make_user, bob):
    make_user("susan")
    know_bob(app, client, bob, timedelta(hours=23))
    fetched = actor_fetches(bob)
    assert bob.post(client, bob.activity("Flag", "y")).status_code == 202
    assert actor_fetches(bob) == fetched


def test_showing_a_stale_profile_fetches_it_again_once_in_a_while(app, client, make_user, bob):
    make_user("susan")
    know_bob(app, client, bob, timedelta(days=2))
    handle = f"bob@{bob.server.url.removeprefix('http://')}"
    bob.server.routes["/users/bob"] = Reply(500, b"down")
    AuthActions(client).login("susan")
    fetched = actor_fetches(bob)
    assert client.get(f"/user/{handle}").status_code == 200
    assert actor_fetches(bob) == fetched + 1
    assert not actor(app, bob)["fresh"]
    # Failed: not asked again at every page, but after RETRY_SECONDS.
    assert client.get(f"/user/{handle}").status_code == 200
    assert actor_fetches(bob) == fetched + 1
    bob.serve_actor()
    runner = app.extensions["federation_jobs"]
    runner.claims = dict.fromkeys(runner.claims, 0.0)  # an hour on
    assert client.get(f"/user/{handle}").status_code == 200
    assert actor_fetches(bob) == fetched + 2 and actor(app, bob)["fresh"]


def test_an_update_of_bob_brings_his_profile_up_to_date(app, client, make_user, bob):
    make_user("susan")
    know_bob(app, client, bob, timedelta(hours=1))
    document = bob.document() | {
        "name": "Robert",
        "icon": [{"type": "Image", "url": [{"href": "https://cdn.example/r.png"}]}],
    }
    del document["summary"]
    assert bob.post(client, bob.activity("Update", document)).status_code == 202
    known = actor(app, bob)
    assert (known["name"], known["icon_url"], known["about_me"]) == (
        "Robert",
        "https://cdn.example/r.png",
        None,
    )
