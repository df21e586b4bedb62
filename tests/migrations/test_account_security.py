"""Migration 0015 adds the security log, email changes and reserved usernames: their rows go
with their user (ON DELETE CASCADE in the database), and the downgrade keeps the users."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users, user_table

TABLES = {"security_event", "email_change", "reserved_username"}
WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)


def test_up_cascade_and_down(app, scripts):
    before = scripts.get_revision("0015").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": WHEN, "john": WHEN})
        flask_migrate.upgrade(revision="0015")
        assert set(sa.inspect(db.engine).get_table_names()) >= TABLES

        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine, only=["user", *TABLES])
        user = metadata.tables["user"]
        event, change = metadata.tables["security_event"], metadata.tables["email_change"]
        with db.engine.begin() as connection:
            ids = dict(connection.execute(sa.select(user.c.username, user.c.id)).all())
            for name in ("susan", "john"):
                connection.execute(event.insert().values(
                    user_id=ids[name], kind="login", created_at=WHEN, address="", user_agent="",
                    details_json="{}"))  # fmt: skip
                connection.execute(change.insert().values(
                    user_id=ids[name], old_email="a@x.org", new_email="b@x.org",
                    changed_at=WHEN))  # fmt: skip
            connection.execute(user.delete().where(user.c.id == ids["susan"]))
        with db.engine.connect() as connection:
            for table in (event, change):
                owners = connection.execute(sa.select(table.c.user_id)).scalars().all()
                assert owners == [ids["john"]], table.name

        flask_migrate.downgrade(revision=before)
        assert not TABLES & set(sa.inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(user_table().c.username)).scalars().all() == [
                "john"
            ]
