"""Migration 0032: post.conversation_id, filled in for the replies there are with the post at
the top of their thread (a deleted post's replies start threads of their own), empty for the
rest; the downgrade keeps the posts."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users_with_posts
from tests.migrations.test_domain_moderation import tables

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)


def test_up_fills_the_replies_in_and_down_keeps_the_posts(app, scripts):
    before = scripts.get_revision("0032").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            susan = insert_users_with_posts(connection, WHEN, {"susan": ""})["susan"]
            post = tables("post")["post"]

            def write(body: str, parent: int | None = None, is_reply: bool = False) -> int:
                values = {"body": body, "timestamp": WHEN, "user_id": susan}
                values |= {"in_reply_to_id": parent, "is_reply": is_reply or parent is not None}
                return connection.execute(post.insert().values(values)).inserted_primary_key[0]

            top = write("top")
            reply = write("reply", top)
            deeper = write("deeper", reply)
            orphan = write("answering a deleted post", is_reply=True)
            under_orphan = write("under it", orphan)
            alone = write("alone")
        flask_migrate.upgrade(revision="0032")
        post = tables("post")["post"]
        with db.engine.connect() as connection:
            found = dict(connection.execute(sa.select(post.c.id, post.c.conversation_id)).all())
        assert found == {
            top: None,
            reply: top,
            deeper: top,
            orphan: None,
            under_orphan: orphan,
            alone: None,
        }
        indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes("post")}
        assert "ix_post_conversation_id_id_hidden" in indexes

        flask_migrate.downgrade(revision=before)
        post = tables("post")["post"]
        assert "conversation_id" not in post.c
        with db.engine.connect() as connection:
            assert len(connection.execute(sa.select(post.c.id)).all()) == 6
