"""Migration 0018 adds post.body_html (NULL for the posts already written: they stay plain
text), tags and alerts: their rows go with their post or user (ON DELETE CASCADE in the
database), and the downgrade keeps the posts."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users_with_posts

TABLES = {"tag", "post_tag", "alert"}
WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)


def test_up_cascade_and_down(app, scripts):
    before = scripts.get_revision("0018").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            ids = insert_users_with_posts(
                connection, WHEN, {"susan": "#old by susan", "john": "#old by john"}
            )
        flask_migrate.upgrade(revision="0018")
        assert set(sa.inspect(db.engine).get_table_names()) >= TABLES

        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine, only=["user", "post", *TABLES])
        post, tag = metadata.tables["post"], metadata.tables["tag"]
        post_tag, alert = metadata.tables["post_tag"], metadata.tables["alert"]
        with db.engine.begin() as connection:
            assert connection.execute(sa.select(post.c.body_html)).scalars().all() == [None] * 2
            posts = dict(connection.execute(sa.select(post.c.user_id, post.c.id)).all())
            tag_id = connection.execute(tag.insert().values(name="old")).inserted_primary_key[0]
            for name, other in (("susan", "john"), ("john", "susan")):
                connection.execute(post_tag.insert().values(
                    post_id=posts[ids[name]], tag_id=tag_id, post_timestamp=WHEN))  # fmt: skip
                connection.execute(alert.insert().values(
                    user_id=ids[other], kind="mention", actor_id=ids[name],
                    post_id=posts[ids[name]], timestamp=WHEN))  # fmt: skip
            connection.execute(metadata.tables["user"].delete().where(
                metadata.tables["user"].c.id == ids["susan"]))  # fmt: skip
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(post_tag.c.post_id)).scalars().all() == [
                posts[ids["john"]]
            ]
            # Susan's alert went with her, John's alert with Susan's post... and John's post
            # mentioned Susan, who is gone: no alert is left.
            assert connection.execute(sa.select(alert.c.id)).scalars().all() == []

        flask_migrate.downgrade(revision=before)
        assert not TABLES & set(sa.inspect(db.engine).get_table_names())
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("post")}
        assert "body_html" not in columns
        with db.engine.connect() as connection:
            bodies = connection.execute(sa.text("SELECT body FROM post")).scalars().all()
            assert bodies == ["#old by john"]
