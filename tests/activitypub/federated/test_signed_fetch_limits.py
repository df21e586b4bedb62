"""Signed GETs of our documents (authorized fetch) are counted per server once their
signature verifies, as deliveries are: past FETCH_HOST_RATE_LIMIT a 429 that says when to
try again, while other servers, and the inbox, keep their own counts."""

import pytest

from tests.activitypub.federated.remote import SETTINGS, remote_server
from tests.activitypub.federated.test_signed_fetch import signed_get


@pytest.fixture
def app(make_app):
    return make_app(
        **SETTINGS,
        ACTIVITYPUB_AUTHORIZED_FETCH=True,
        RATELIMIT_ENABLED=True,
        FETCH_HOST_RATE_LIMIT="2 per minute",
    )


def test_signed_fetches_are_limited_per_server(app, client, make_user, bob, mallory_key):
    make_user("susan")
    statuses = []
    for n in range(3):
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"  # a server fetches from many addresses
        statuses.append(signed_get(client, bob, "/users/susan/outbox").status_code)
    assert statuses == [200, 200, 429]
    refused = signed_get(client, bob, "/users/susan/followers", accept="application/json")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    with remote_server(mallory_key, {}) as other:  # another server has its own count
        assert signed_get(client, other, "/users/susan/outbox").status_code == 200
    # Deliveries from bob's server are counted apart.
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202


def test_unverified_fetches_spend_no_servers_allowance(app, client, make_user, bob, mallory_key):
    make_user("susan")
    for _ in range(3):  # claiming to be bob, without his key
        assert signed_get(client, bob, "/users/susan/outbox", key=mallory_key).status_code == 401
    assert signed_get(client, bob, "/users/susan/outbox").status_code == 200


def test_the_inbox_says_when_to_try_again(make_app, bob):
    app = make_app(**SETTINGS, RATELIMIT_ENABLED=True, INBOX_HOST_RATE_LIMIT="1 per minute")
    client = app.test_client()
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202
    refused = bob.post(client, bob.activity("Flag", "x"))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
