"""Deliveries are signed with the sending user's own key, which their actor publishes."""

from app.extensions import db
from app.federation.delivery import deliver
from app.models import User
from tests.federation.inbox import SignedInbox
from tests.federation.servers import http_server


def test_a_delivery_is_signed_with_the_senders_published_key(app, client, make_user):
    susan = make_user("susan")
    actor = client.get("/users/susan", headers={"Accept": "application/activity+json"})
    key = actor.get_json()["publicKey"]
    assert key["id"] == "http://blog.test/users/susan#main-key"
    inbox = SignedInbox({key["id"]: key["publicKeyPem"]})
    with http_server(answer=inbox) as server, app.app_context():
        deliver({"type": "Like", "id": "x"}, [f"{server.url}/inbox"], sender_id=susan.id)
    assert inbox.refused == []
    assert [key_id for _, key_id, _ in inbox.delivered] == [key["id"]]


def test_no_key_signs_for_a_remote_or_missing_user(app):
    with http_server(answer=SignedInbox({})) as server, app.app_context():
        bob = User.remember_remote(
            "https://remote.example/users/bob",
            "bob",
            "remote.example",
            "https://remote.example/inbox",
            None,
            "pem",
            "https://remote.example/users/bob#main-key",
        )
        db.session.commit()
        deliver({"type": "Like"}, [f"{server.url}/inbox"], sender_id=bob.id)
        deliver({"type": "Like"}, [f"{server.url}/inbox"], sender_id=999)
    assert server.received == []
