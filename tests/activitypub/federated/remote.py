"""A remote server for the inbox tests: bob's actor document served on 127.0.0.1 by a real
HTTP server, his RSA key, and activities signed with it as his server would sign them."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from app.federation.signatures import sign_request
from tests.federation.conftest import KeyPair
from tests.federation.inbox import SignedInbox
from tests.federation.servers import Reply, Server, http_server

SITE = "http://blog.test"
AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = f"{AS}#Public"
ACTIVITY_JSON = {"Content-Type": "application/activity+json"}
# A site that federates over http and may reach 127.0.0.1, delivering from its own threads.
SETTINGS = {
    "SERVER_NAME": "blog.test",
    "PUBLIC_TIMELINE": True,
    "ACTIVITYPUB_ALLOW_HTTP": True,
    "REDIS_URL": None,
    "FEDERATION_ALLOW_HTTP": True,
    "FEDERATION_ALLOW_PRIVATE_ADDRESSES": True,
}


@dataclass
class Remote:
    """bob's server: his actor, his key, the activities our users delivered to him."""

    server: Server
    key: KeyPair
    inbox: SignedInbox
    name: str = "bob"
    count: list[int] = field(default_factory=lambda: [0])

    @property
    def actor(self) -> str:
        return f"{self.server.url}/users/{self.name}"

    @property
    def key_id(self) -> str:
        return f"{self.actor}#main-key"

    def document(self) -> dict:
        return {
            "@context": [AS, "https://w3id.org/security/v1"],
            "id": self.actor,
            "type": "Person",
            "preferredUsername": self.name,
            "summary": "<p>Hi &amp; welcome</p>",
            "url": f"{self.server.url}/@{self.name}",
            "inbox": f"{self.actor}/inbox",
            "endpoints": {"sharedInbox": f"{self.server.url}/inbox"},
            "publicKey": {
                "id": self.key_id,
                "owner": self.actor,
                "publicKeyPem": self.key.public_pem,
            },
        }

    def serve_actor(self) -> None:
        body = json.dumps(self.document()).encode()
        self.server.routes[f"/users/{self.name}"] = Reply(
            200, body, {"Content-Type": "application/activity+json"}
        )

    def new_id(self) -> str:
        self.count[0] += 1
        return f"{self.actor}/activities/{self.count[0]}"

    def activity(self, kind: str, object: object, **fields) -> dict:
        return {"@context": AS, "id": self.new_id(), "type": kind, "actor": self.actor,
                "object": object, **fields}  # fmt: skip

    def note(self, content: str, **fields) -> dict:
        self.count[0] += 1
        return {"id": f"{self.actor}/statuses/{self.count[0]}", "type": "Note",
                "attributedTo": self.actor, "content": content, "to": [PUBLIC],
                "cc": [f"{self.actor}/followers"], **fields}  # fmt: skip

    def post(self, client, activity: dict, path: str = "/inbox", key: KeyPair | None = None):
        """POST the activity to our inbox, signed with bob's key (or `key`)."""
        body = json.dumps(activity).encode()
        key = key or self.key
        headers = sign_request(
            "POST", SITE + path, ACTIVITY_JSON, body, self.key_id, key.private_pem
        )
        return client.post(path, data=body, headers=headers)


@contextmanager
def remote_server(key: KeyPair, public_keys: dict[str, str]) -> Iterator[Remote]:
    inbox = SignedInbox(public_keys)
    with http_server(answer=inbox) as server:
        remote = Remote(server, key, inbox)
        remote.serve_actor()
        yield remote


def trust(app, remote: Remote, username: str) -> None:
    """Give bob's server the public key of our user `username`, as it would fetch it."""
    from app.extensions import db
    from app.models import User

    with app.app_context():
        user = db.session.scalar(User.by_username(username))
        remote.inbox.public_keys[f"{SITE}/users/{username}#main-key"] = user.public_key_pem()
        db.session.commit()
