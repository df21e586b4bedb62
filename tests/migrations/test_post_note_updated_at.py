"""Migration 0030: post.note_updated_at, empty for the posts there are (local ones, and remote
ones kept before: their next Update is taken), keeps microseconds, and goes on the way down
with the posts staying."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users_with_posts
from tests.migrations.test_domain_moderation import tables

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)
UPDATED = dt.datetime(2026, 12, 7, 1, 2, 3, 456789)


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0030").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users_with_posts(connection, WHEN, {"susan": "by susan"})
        flask_migrate.upgrade(revision="0030")
        post = tables("post")["post"]
        with db.engine.begin() as connection:
            assert connection.execute(sa.select(post.c.note_updated_at)).scalars().all() == [None]
            connection.execute(post.update().values(note_updated_at=UPDATED))
            assert connection.execute(sa.select(post.c.note_updated_at)).scalar_one() == UPDATED

        flask_migrate.downgrade(revision=before)
        post = tables("post")["post"]
        assert "note_updated_at" not in post.c
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(post.c.body)).scalars().all() == ["by susan"]
