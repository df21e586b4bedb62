"""Fixtures of the feed tests: count_queries as the page tests have it, and a site with posts."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Post, User
from tests.main.conftest import count_queries  # noqa: F401  (a fixture, used by name)

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def write(app, username: str, *bodies: str, start: datetime = T0) -> None:
    """`username` (created if new) writes `bodies`, a minute apart, oldest first."""
    with app.app_context():
        user = db.session.scalar(User.by_username(username))
        if user is None:
            user = User(username=username, email=f"{username}@example.com")
            db.session.add(user)
        for n, body in enumerate(bodies):
            post = Post.write(user, body)
            post.timestamp = start + timedelta(minutes=n)
        db.session.commit()


@pytest.fixture
def write_posts(app):
    """write() in the `app` fixture's database."""

    def make(username: str, *bodies: str, start: datetime = T0) -> None:
        write(app, username, *bodies, start=start)

    return make
