"""Fixtures of the ActivityPub tests: an app whose http ids are allowed (the test client's
scheme), the Accept headers clients send, and a few users with posts."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Post, User
from tests.main.conftest import count_queries  # noqa: F401  (a fixture, used by name)

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
# What Mastodon sends, and the other type a client may ask for alone.
MASTODON = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
AP = {"Accept": MASTODON}


@pytest.fixture
def app(make_app):
    return make_app(ACTIVITYPUB_ALLOW_HTTP=True)


def write(app, username: str, *bodies: str, start: datetime = T0) -> list[int]:
    """`username` (created if new) writes `bodies`, a minute apart, oldest first; their ids."""
    with app.app_context():
        user = db.session.scalar(User.by_username(username))
        if user is None:
            user = User(username=username, email=f"{username}@example.com")
            db.session.add(user)
        ids = []
        for n, body in enumerate(bodies):
            post = Post.write(user, body)
            post.timestamp = start + timedelta(minutes=n)
            db.session.flush()
            ids.append(post.id)
        db.session.commit()
        return ids


@pytest.fixture
def write_posts(app):
    """write() in the `app` fixture's database."""

    def make(username: str, *bodies: str, start: datetime = T0) -> list[int]:
        return write(app, username, *bodies, start=start)

    return make


def remember_bob(host: str = "remote.example") -> User:
    """bob@remote.example, an account of another server (in an app context; not committed)."""
    return User.remember_remote(
        f"https://{host}/users/bob",
        "bob",
        host,
        f"https://{host}/users/bob/inbox",
        f"https://{host}/inbox",
        "-----BEGIN PUBLIC KEY-----\nbob\n-----END PUBLIC KEY-----\n",
        f"https://{host}/users/bob#main-key",
        profile_url=f"https://{host}/@bob",
    )
