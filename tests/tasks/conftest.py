from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Post, User

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def app(make_app):
    # No Redis: tasks run in a thread of the app, which TESTING waits for.
    return make_app(REDIS_URL=None)


@pytest.fixture
def add_posts():
    """Add posts a minute apart, oldest first; return what the export should contain."""

    def add(app, username, bodies):
        with app.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            for n, body in enumerate(bodies):
                moment = START + timedelta(minutes=n)
                db.session.add(Post(body=body, author=user, timestamp=moment))
            db.session.commit()
        return [
            {"body": body, "timestamp": (START + timedelta(minutes=n)).isoformat()}
            for n, body in enumerate(bodies)
        ]

    return add
