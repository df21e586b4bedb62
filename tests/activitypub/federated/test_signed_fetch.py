"""Signed GETs both ways: the site's own actor (/actor) signs what we fetch, so that a
server answering only signed requests answers us; and ACTIVITYPUB_AUTHORIZED_FETCH makes
our documents answer only requests signed by someone whose key verifies."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.federation.signatures import SignatureError, sign_request, verify_request
from app.models import InstanceKey, Post, RemoteActor, User
from tests.activitypub.conftest import BROWSER, MASTODON
from tests.activitypub.federated.remote import SETTINGS, SITE
from tests.activitypub.federated.test_lookup import serve_webfinger
from tests.conftest import AuthActions
from tests.federation.servers import Received, Reply

AP = {"Accept": MASTODON}
SITE_KEY = f"{SITE}/actor#main-key"


@pytest.fixture
def app(make_app):
    """Our site requires signed fetches here: the site's actor is still open to all."""
    return make_app(**SETTINGS, ACTIVITYPUB_AUTHORIZED_FETCH=True)


def site_key(client) -> str:
    return client.get("/actor", headers=AP).get_json()["publicKey"]["publicKeyPem"]


def secure_mode(bob, public_keys: dict[str, str]) -> list[str]:
    """Make bob's server answer a GET of his actor only when it is signed with one of
    `public_keys`, as Mastodon in secure mode; the keyIds it took."""
    signers: list[str] = []
    body = json.dumps(bob.document()).encode()
    inbox = bob.server.answer
    del bob.server.routes[f"/users/{bob.name}"]

    def answer(request: Received) -> Reply:
        if request.method != "GET" or request.path != f"/users/{bob.name}":
            return inbox(request)
        try:
            signers.append(
                verify_request(
                    "GET", request.path, request.headers, None, public_keys.get, datetime.now(UTC)
                )  # fmt: skip
            )
        except SignatureError:
            return Reply(401, b"sign your request")
        return Reply(200, body, {"Content-Type": "application/activity+json"})

    bob.server.answer = answer
    return signers


def test_the_site_actor_is_served_to_anyone_with_one_key(app, client):
    actor = client.get("/actor", headers=AP).get_json()
    assert actor["id"] == f"{SITE}/actor" and actor["type"] == "Application"
    assert actor["preferredUsername"] == "blog.test" and actor["inbox"] == f"{SITE}/inbox"
    assert actor["publicKey"]["id"] == SITE_KEY and actor["publicKey"]["owner"] == actor["id"]
    assert site_key(client) == actor["publicKey"]["publicKeyPem"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InstanceKey)) == 1
    response = client.get("/actor", headers={"Accept": BROWSER})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_looking_someone_up_signs_the_fetch_of_their_actor(app, client, make_user, bob):
    signers = secure_mode(bob, {SITE_KEY: site_key(client)})
    make_user("susan")
    handle = serve_webfinger(bob)
    AuthActions(client).login("susan")
    response = client.get("/search", query_string={"q": f"@{handle}"})
    assert response.headers["Location"] == f"/user/{handle}"
    assert signers == [SITE_KEY]


def test_a_server_in_secure_mode_can_deliver_to_us(app, client, make_user, bob):
    signers = secure_mode(bob, {SITE_KEY: site_key(client)})
    make_user("susan")
    # Our inbox fetches bob's key to check his delivery, signing the fetch.
    follow = bob.activity("Follow", f"{SITE}/users/susan")
    assert bob.post(client, follow).status_code == 202
    assert signers == [SITE_KEY]
    with app.app_context():
        assert RemoteActor.by_uri(bob.actor) is not None


def test_without_the_site_key_a_server_in_secure_mode_refuses_us(app, client, make_user, bob):
    secure_mode(bob, {})  # bob's server does not trust our key: our fetch is refused
    make_user("susan")
    follow = bob.activity("Follow", f"{SITE}/users/susan")
    assert bob.post(client, follow).status_code == 401


def signed_get(client, bob, path: str, key=None, accept: str = MASTODON):
    headers = sign_request("GET", SITE + path, {"Accept": accept}, None, bob.key_id,
                           (key or bob.key).private_pem)  # fmt: skip
    return client.get(path, headers=headers)


@pytest.fixture
def post_id(app, make_user) -> int:
    make_user("susan")
    with app.app_context():
        post = Post.write(db.session.scalar(User.by_username("susan")), "hello")
        db.session.commit()
        return post.id


DOCUMENTS = [
    "/users/susan/outbox",
    "/users/susan/outbox?page=true",
    "/users/susan/followers",
    "/users/susan/following?page=1",
    "/users/susan/featured",
    "/post/{id}",
    "/post/{id}/activity",
]


@pytest.mark.parametrize("path", DOCUMENTS)
def test_documents_answer_only_signed_requests(client, bob, post_id, mallory_key, path):
    path = path.format(id=post_id)
    assert client.get(path, headers=AP).status_code == 401
    assert signed_get(client, bob, path, key=mallory_key).status_code == 401
    response = signed_get(client, bob, path)
    assert response.status_code == 200
    assert response.content_type == "application/activity+json; charset=utf-8"


def test_an_actor_unsigned_has_just_its_key_and_inboxes(client, bob, post_id):
    actor = client.get("/users/susan", headers=AP).get_json()
    assert actor["publicKey"]["id"] == f"{SITE}/users/susan#main-key"
    assert actor["inbox"] == f"{SITE}/users/susan/inbox"
    assert "followers" not in actor and "summary" not in actor
    assert "followers" in signed_get(client, bob, "/users/susan").get_json()


def test_discovery_and_pages_for_people_stay_open(client, post_id):
    resource = {"resource": "acct:susan@blog.test"}
    assert client.get("/.well-known/webfinger", query_string=resource).status_code == 200
    assert client.get("/nodeinfo/2.1").status_code == 200
    assert client.get("/actor", headers=AP).status_code == 200
    assert client.get("/users/susan", headers={"Accept": BROWSER}).status_code == 302
    assert client.get("/user/susan/feed.atom").status_code == 200


def test_a_suspended_account_is_refused(app, client, make_user, bob, post_id):
    assert signed_get(client, bob, "/users/susan/outbox").status_code == 200
    make_user("admin", is_admin=True)
    with app.app_context():
        admin = db.session.scalar(User.by_username("admin"))
        admin.suspend(RemoteActor.by_uri(bob.actor).user)
        db.session.commit()
    assert signed_get(client, bob, "/users/susan/outbox").status_code == 403
