"""Migration 0023: post.uri, NULL for the posts already there and one post per Note id; the
downgrade keeps the posts."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users_with_posts

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)
NOTE = "https://remote.example/users/bob/statuses/1"


def post_table() -> sa.Table:
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine, only=["post"])
    return metadata.tables["post"]


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0023").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            ids = insert_users_with_posts(connection, WHEN, {"susan": "old", "john": ""})
        flask_migrate.upgrade(revision="0023")
        post = post_table()
        with db.engine.begin() as connection:
            assert connection.execute(sa.select(post.c.uri)).scalars().all() == [None]
            row = {"body": "from afar", "timestamp": WHEN, "user_id": ids["john"], "uri": NOTE}
            connection.execute(post.insert().values(**row))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(post.insert().values(**row))

        flask_migrate.downgrade(revision=before)
        post = post_table()
        assert "uri" not in post.c
        with db.engine.connect() as connection:
            assert sorted(connection.execute(sa.select(post.c.body)).scalars()) == [
                "from afar", "old",
            ]  # fmt: skip
        flask_migrate.upgrade()
