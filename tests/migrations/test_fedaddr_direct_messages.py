"""Migration 0024: user.fediverse_messages (off for everyone already there), message.uri
(NULL for the messages already there) and the instance_key table; the downgrade keeps the
users and their messages."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users_with_posts

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)
NOTE = "https://remote.example/users/bob/statuses/1"


def tables(*names: str) -> dict[str, sa.Table]:
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine, only=names)
    return dict(metadata.tables)


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0024").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            ids = insert_users_with_posts(connection, WHEN, {"susan": "", "john": ""})
            message = tables("message")["message"]
            row = {"sender_id": ids["john"], "recipient_id": ids["susan"], "timestamp": WHEN}
            connection.execute(message.insert().values(body="old", **row))
        flask_migrate.upgrade(revision="0024")
        found = tables("user", "message", "instance_key")
        user, message = found["user"], found["message"]
        with db.engine.begin() as connection:
            assert connection.execute(sa.select(user.c.fediverse_messages)).scalars().all() == [
                False, False,
            ]  # fmt: skip
            assert connection.execute(sa.select(message.c.uri)).scalars().all() == [None]
            connection.execute(message.insert().values(body="from afar", uri=NOTE, **row))
            key = {"id": 1, "private_key_pem": "p", "public_key_pem": "q", "created_at": WHEN}
            connection.execute(found["instance_key"].insert().values(**key))

        flask_migrate.downgrade(revision=before)
        found = tables("user", "message")
        assert "fediverse_messages" not in found["user"].c and "uri" not in found["message"].c
        with db.engine.connect() as connection:
            assert "instance_key" not in sa.inspect(connection).get_table_names()
            bodies = connection.execute(sa.select(found["message"].c.body)).scalars()
            assert sorted(bodies) == ["from afar", "old"]
        flask_migrate.upgrade()
