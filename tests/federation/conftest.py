import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from redis import Redis

from tests.queues import forget_queues


class KeyPair:
    def __init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.public_pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )


@pytest.fixture(scope="session")
def alice_key():
    return KeyPair()


@pytest.fixture(scope="session")
def mallory_key():
    return KeyPair()


@pytest.fixture
def prefix(redis_url):
    """Queues of this test's own (every name starts with it), so parallel runs never take
    each other's jobs; removed with their jobs afterwards."""
    prefix = f"test-federation-{uuid.uuid4().hex[:8]}:"
    yield prefix
    with Redis.from_url(redis_url) as connection:
        forget_queues(connection, prefix)


@pytest.fixture
def make_rq_app(make_app, redis_url, prefix):
    """Build an app whose federation jobs go to the real Redis, on this test's queues (the
    inbox's too); its connection closed afterwards."""
    apps = []

    def make(**settings):
        app = make_app(**{**settings, "REDIS_URL": redis_url, "FEDERATION_QUEUE_PREFIX": prefix})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["federation_jobs"].connection.close()
