"""Migration 0028: message.edited_at, empty for the messages there are (never edited), keeps
microseconds, and goes on the way down with the messages staying."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users
from tests.migrations.test_domain_moderation import tables

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)
EDITED = dt.datetime(2026, 12, 7, 1, 2, 3, 456789)


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0028").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": WHEN, "bob": WHEN})
            old = tables("user", "message")
            users = old["user"]
            ids = dict(connection.execute(sa.select(users.c.username, users.c.id)).all())
            row = {"sender_id": ids["bob"], "recipient_id": ids["susan"], "body": "hi"}
            connection.execute(old["message"].insert().values(**row, timestamp=WHEN))
        flask_migrate.upgrade(revision="0028")
        messages = tables("message")["message"]
        with db.engine.begin() as connection:
            assert connection.execute(sa.select(messages.c.edited_at)).scalar_one() is None
            connection.execute(messages.update().values(edited_at=EDITED))
            assert connection.execute(sa.select(messages.c.edited_at)).scalar_one() == EDITED

        flask_migrate.downgrade(revision=before)
        messages = tables("message")["message"]
        assert "edited_at" not in messages.c
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(messages.c.body)).scalars().all() == ["hi"]
