"""Migration 0031: the tombstone table, keyed by the deleted id (one row an id), keeping its
time to the microsecond, and gone again on the way down with the posts staying."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users_with_posts
from tests.migrations.test_domain_moderation import tables

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)
DELETED = dt.datetime(2026, 12, 7, 1, 2, 3, 456789)
NOTE = "https://social.example/users/bob/statuses/" + "9" * 460  # near the longest id kept


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0031").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users_with_posts(connection, WHEN, {"susan": "by susan"})
        flask_migrate.upgrade(revision="0031")
        tombstone = tables("tombstone")["tombstone"]
        with db.engine.begin() as connection:
            connection.execute(tombstone.insert().values(uri=NOTE, deleted_at=DELETED))
            row = connection.execute(sa.select(tombstone)).one()
            assert (row.uri, row.deleted_at) == (NOTE, DELETED)
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(tombstone.insert().values(uri=NOTE, deleted_at=WHEN))

        flask_migrate.downgrade(revision=before)
        assert "tombstone" not in sa.inspect(db.engine).get_table_names()
        post = tables("post")["post"]
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(post.c.body)).scalars().all() == ["by susan"]
