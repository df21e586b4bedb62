"""Migration 0021: drops user.session_generation (the sign-in records replaced it); the
downgrade gives it back, at 0 for everyone, and keeps the users."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users, user_table

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)


def user_columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("user")}


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0021").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": WHEN, "john": WHEN})
        flask_migrate.upgrade(revision="0021")
        assert "session_generation" not in user_columns()

        flask_migrate.downgrade(revision=before)
        assert "session_generation" in user_columns()
        users = user_table()
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.select(users.c.username, users.c.session_generation).order_by(users.c.username)
            ).all()
        assert [tuple(row) for row in rows] == [("john", 0), ("susan", 0)]
