"""Migration 0017 adds likes, boosts and the posts' counts of them: the rows go with their
user or post (ON DELETE CASCADE), one per user and post, and the downgrade keeps the posts."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users

TABLES = {"like", "boost"}
WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)


def test_up_cascade_and_down(app, scripts):
    before = scripts.get_revision("0017").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": WHEN, "john": WHEN})
        flask_migrate.upgrade(revision="0017")
        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine, only=["user", "post", *TABLES])
        user, post = metadata.tables["user"], metadata.tables["post"]
        with db.engine.begin() as connection:
            ids = dict(connection.execute(sa.select(user.c.username, user.c.id)).all())
            for name in ("susan", "john"):
                connection.execute(
                    post.insert().values(body=name, user_id=ids[name], timestamp=WHEN)
                )
            posts = dict(connection.execute(sa.select(post.c.body, post.c.id)).all())
            assert (
                connection.execute(sa.select(post.c.like_count, post.c.boost_count)).all()
                == [(0, 0)] * 2
            )
            for table in TABLES:
                for name in ("susan", "john"):  # each likes and boosts the other's post
                    other = posts["john" if name == "susan" else "susan"]
                    connection.execute(metadata.tables[table].insert().values(
                        user_id=ids[name], post_id=other, timestamp=WHEN))  # fmt: skip
        for table in TABLES:
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
                connection.execute(metadata.tables[table].insert().values(
                    user_id=ids["john"], post_id=posts["susan"], timestamp=WHEN))  # fmt: skip
        with db.engine.begin() as connection:
            connection.execute(user.delete().where(user.c.id == ids["susan"]))
        with db.engine.connect() as connection:
            for table in TABLES:  # susan's own rows, and john's of her post, went with her
                assert connection.execute(sa.select(metadata.tables[table])).all() == []

        flask_migrate.downgrade(revision=before)
        assert not TABLES & set(sa.inspect(db.engine).get_table_names())
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("post")}
        assert not {"like_count", "boost_count"} & columns
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(post.c.body)).scalars().all() == ["john"]
