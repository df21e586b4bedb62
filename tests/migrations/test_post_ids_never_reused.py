"""Migration 0026: SQLite never gives a post the id of one deleted (AUTOINCREMENT), and its
search index still follows the rebuilt table; the downgrade keeps the posts."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users_with_posts

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)


def post_table() -> sa.Table:
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine, only=["post"])
    return metadata.tables["post"]


def delete_newest_then_write(body: str) -> tuple[int, int]:
    """The id of the newest post, deleted, and that of a post written next."""
    post = post_table()
    with db.engine.begin() as connection:
        newest, user_id = connection.execute(
            sa.select(post.c.id, post.c.user_id).order_by(post.c.id.desc()).limit(1)
        ).one()
        connection.execute(post.delete().where(post.c.id == newest))
        row = {"body": body, "timestamp": WHEN, "user_id": user_id}
        return newest, connection.execute(post.insert().values(**row)).inserted_primary_key[0]


def searchable(word: str) -> bool:
    """On SQLite, whether the search index finds `word` (elsewhere the index is the
    database's own, untouched here)."""
    if db.engine.dialect.name != "sqlite":
        return True
    with db.engine.connect() as connection:
        if not sa.inspect(connection).has_table("post_fts"):
            return True
        query = sa.text("SELECT count(*) FROM post_fts WHERE post_fts MATCH :word")
        return connection.execute(query, {"word": word}).scalar() == 1


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0026").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users_with_posts(connection, WHEN, {"susan": "old", "john": "older"})
        flask_migrate.upgrade(revision="0026")
        deleted, written = delete_newest_then_write("written after the upgrade")
        assert written > deleted
        assert searchable("written after the upgrade")

        flask_migrate.downgrade(revision=before)
        with db.engine.connect() as connection:
            bodies = connection.execute(sa.select(post_table().c.body)).scalars().all()
        assert sorted(bodies) == ["old", "written after the upgrade"]
        delete_newest_then_write("written after the downgrade")
        assert searchable("written after the downgrade")
        flask_migrate.upgrade()
