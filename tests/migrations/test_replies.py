"""Migration 0016 adds replies and edits: posts already there are not replies, a reply's
in_reply_to_id goes NULL when its post is deleted (is_reply stays), earlier texts go with
their post, SQLite's search triggers survive the rebuild of post, and the downgrade keeps
the posts."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from app.models.search import SQLITE_TABLE
from tests.databases import insert_users, user_table

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)


def tables(*names: str) -> dict[str, sa.Table]:
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine, only=list(names))
    return dict(metadata.tables)


def search(connection, word: str) -> list[int]:
    """Post ids SQLite's FTS5 index finds for `word` (every id elsewhere: no such index)."""
    if SQLITE_TABLE not in sa.inspect(db.engine).get_table_names():
        return []
    query = sa.text(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :word")
    return sorted(connection.execute(query, {"word": word}).scalars())


def test_up_delete_and_down(app, scripts):
    before = scripts.get_revision("0016").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": WHEN})
            post = tables("post")["post"]
            user_id = connection.execute(sa.select(user_table().c.id)).scalar_one()
            connection.execute(
                post.insert().values(body="old banana", timestamp=WHEN, user_id=user_id)
            )
        flask_migrate.upgrade(revision="0016")
        reflected = tables("post", "post_edit")
        post, edit = reflected["post"], reflected["post_edit"]
        with db.engine.begin() as connection:
            old = connection.execute(sa.select(post.c.id, post.c.is_reply)).one()
            assert not old.is_reply
            reply = connection.execute(post.insert().values(
                body="cherry reply", timestamp=WHEN, user_id=user_id, in_reply_to_id=old.id,
                is_reply=True)).inserted_primary_key[0]  # fmt: skip
            connection.execute(edit.insert().values(post_id=old.id, body="x", replaced_at=WHEN))
            if db.engine.dialect.name == "sqlite":
                assert search(connection, "banana") == [old.id]
                assert search(connection, "cherry") == [reply]  # the insert trigger is back
            connection.execute(post.delete().where(post.c.id == old.id))
        with db.engine.connect() as connection:
            row = connection.execute(sa.select(post.c.in_reply_to_id, post.c.is_reply)).one()
            assert (row.in_reply_to_id, bool(row.is_reply)) == (None, True)
            assert connection.execute(sa.select(edit)).all() == []
            assert search(connection, "banana") == []  # so is the delete trigger

        flask_migrate.downgrade(revision=before)
        assert "post_edit" not in sa.inspect(db.engine).get_table_names()
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("post")}
        assert not columns & {"in_reply_to_id", "is_reply", "edited_at"}
        with db.engine.begin() as connection:
            assert connection.execute(sa.text("SELECT body FROM post")).scalars().all() == [
                "cherry reply"
            ]
            if db.engine.dialect.name == "sqlite":
                assert search(connection, "cherry") == [reply]
