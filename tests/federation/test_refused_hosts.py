"""Hosts the site refuses (hosts.set_host_policy: its domain blocks) get no request, fetched or
delivered."""

import pytest

from app.federation.delivery import SigningKey, deliver, set_key_loader
from app.federation.fetch import HostRefused, Policy, fetch_document
from app.federation.hosts import set_host_policy
from tests.federation.inbox import SignedInbox
from tests.federation.servers import Reply, http_server

KEY_ID = "https://blog.example/users/alice#main-key"


@pytest.fixture
def app(make_app, alice_key):
    app = make_app(
        REDIS_URL=None, FEDERATION_ALLOW_HTTP=True, FEDERATION_ALLOW_PRIVATE_ADDRESSES=True
    )
    set_key_loader(app, {1: SigningKey(KEY_ID, alice_key.private_pem)}.get)
    return app


def refusing(*refused: str):
    return lambda hosts: set(hosts) & set(refused)


def test_a_refused_host_is_never_asked(app):
    document = Reply(200, b"{}", {"Content-Type": "application/activity+json"})
    with http_server({"/doc": document}) as server:
        host = server.url.removeprefix("http://")
        policy = Policy(allow_http=True, allow_private=True, refused_hosts=refusing(host))
        with pytest.raises(HostRefused):
            fetch_document(f"{server.url}/doc", policy=policy)
        assert server.received == []
        # Another host's name is not refused for sharing a prefix with it.
        policy = Policy(allow_http=True, allow_private=True, refused_hosts=refusing(host + "0"))
        assert fetch_document(f"{server.url}/doc", policy=policy).document == {}


def test_deliveries_skip_refused_hosts(app, alice_key):
    inbox = SignedInbox({KEY_ID: alice_key.public_pem})
    with http_server(answer=inbox) as kept, http_server(answer=inbox) as refused:
        set_host_policy(app, refusing(refused.url.removeprefix("http://")))
        with app.app_context():
            queued = deliver({"type": "Like"}, [f"{kept.url}/inbox", f"{refused.url}/inbox"], 1)
        assert queued == [f"{kept.url}/inbox"]
        assert refused.received == [] and len(kept.received) == 1
