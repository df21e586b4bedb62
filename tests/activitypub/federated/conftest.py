"""Fixtures of the federation tests of the site: an app on blog.test that federates over
http and may reach 127.0.0.1, bob's server (remote.py), and carol's on a third one."""

from collections.abc import Iterator

import pytest

from tests.activitypub.federated.remote import SETTINGS, Remote, remote_server
from tests.federation.conftest import KeyPair


@pytest.fixture(scope="session")
def bob_key() -> KeyPair:
    return KeyPair()


@pytest.fixture(scope="session")
def mallory_key() -> KeyPair:
    return KeyPair()


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS)


@pytest.fixture
def bob(bob_key) -> Iterator[Remote]:
    """bob's server, whose inbox checks the signatures of our users' keys (put in
    bob.inbox.public_keys)."""
    with remote_server(bob_key, {}) as remote:
        yield remote


@pytest.fixture
def carol(mallory_key) -> Iterator[Remote]:
    """carol's server, another than bob's, with her actor."""
    with remote_server(mallory_key, {}) as remote:
        remote.name = "carol"
        remote.serve_actor()
        yield remote
