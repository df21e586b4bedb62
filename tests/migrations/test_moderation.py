"""Migration 0020 adds blocks, reports, the moderation log and the moderation columns: rows
go with their users (ON DELETE CASCADE in the database), existing users and posts get the
defaults, and the downgrade keeps users and posts."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users_with_posts

TABLES = {"user_block", "report", "moderation_log"}
WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)


def test_up_cascade_and_down(app, scripts):
    before = scripts.get_revision("0020").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            ids = insert_users_with_posts(connection, WHEN, {"susan": "", "john": "hi"})
        flask_migrate.upgrade(revision="0020")
        assert set(sa.inspect(db.engine).get_table_names()) >= TABLES

        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine, only=["user", "post", *TABLES])
        user, post = metadata.tables["user"], metadata.tables["post"]
        block, report = metadata.tables["user_block"], metadata.tables["report"]
        with db.engine.begin() as connection:
            flags = connection.execute(sa.select(user.c.is_admin, user.c.block_total)).all()
            assert {tuple(row) for row in flags} == {(False, 0)}
            assert connection.execute(sa.select(post.c.hidden)).scalars().all() == [0]
            post_id = connection.execute(sa.select(post.c.id)).scalar_one()
            for name, other in (("susan", "john"), ("john", "susan")):
                connection.execute(
                    block.insert().values(
                        user_id=ids[name], target_id=ids[other], kind="mute", created_at=WHEN
                    )
                )
                connection.execute(report.insert().values(
                    reporter_id=ids[name], target_id=ids[other], reason="spam", details="",
                    created_at=WHEN, post_id=post_id if name == "susan" else None))  # fmt: skip
            connection.execute(user.delete().where(user.c.id == ids["susan"]))
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(block)).all() == []
            assert connection.execute(sa.select(report)).all() == []

        flask_migrate.downgrade(revision=before)
        inspector = sa.inspect(db.engine)
        assert not TABLES & set(inspector.get_table_names())
        assert "hidden" not in {column["name"] for column in inspector.get_columns("post")}
        assert "is_admin" not in {column["name"] for column in inspector.get_columns("user")}
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT body FROM post")).scalars().all() == ["hi"]
