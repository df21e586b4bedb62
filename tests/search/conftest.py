"""Search tests run on a migrated database: the search index is built by migration 0004.

`app` is parametrized over SQLite (a file), PostgreSQL and MariaDB (a fresh database per
test on the servers in TEST_POSTGRES_URL / TEST_MYSQL_URL, skipped when unset or down).
"""

import flask_migrate
import pytest

from app import create_app
from app.extensions import db
from app.models import Post
from tests.conftest import TEST_CONFIG
from tests.databases import ROOT


@pytest.fixture
def app(database_url, monkeypatch):
    # Flask-Migrate finds migrations/ relative to the working directory.
    monkeypatch.chdir(ROOT)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "POSTS_PER_PAGE": 3})
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        # Pooled connections would hold the server database open past the DROP.
        db.engine.dispose()


@pytest.fixture
def backend(database_url) -> str:
    return database_url.split(":", 1)[0].split("+", 1)[0]


@pytest.fixture
def susan(make_user):
    return make_user("susan")


@pytest.fixture
def write_posts(app, susan):
    """Store posts by susan, oldest first; return their ids in the order given."""

    def write(*bodies):
        with app.app_context():
            posts = [Post(body=body, user_id=susan.id) for body in bodies]
            for post in posts:
                # One commit each: every post gets its own, later, timestamp.
                db.session.add(post)
                db.session.commit()
            return [post.id for post in posts]

    return write
