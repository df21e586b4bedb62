"""Migration 0011 counts the users it finds as confirmed since they signed up, leaves new
sign-ups unconfirmed, and undoes cleanly."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users, user_table

SIGNED_UP = {"susan": dt.datetime(2026, 1, 2, 3, 4, 5, 678901), "mike": dt.datetime(2025, 6, 7)}


def test_existing_users_count_as_confirmed_and_downgrade_keeps_them(app, scripts):
    before = scripts.get_revision("0011").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, SIGNED_UP)

        flask_migrate.upgrade(revision="0011")
        user = user_table()
        with db.engine.begin() as connection:
            rows = dict(connection.execute(sa.select(user.c.username, user.c.confirmed_at)).all())
            assert rows == SIGNED_UP
            # A sign-up after the migration: NULL, unconfirmed.
            connection.execute(
                user.insert().values(
                    username="new",
                    username_skeleton="new",
                    email="new@x.org",
                    created_at=dt.datetime(2026, 12, 1),
                    last_seen=dt.datetime(2026, 12, 1),
                )
            )
            new = sa.select(user.c.confirmed_at).where(user.c.username == "new")
            assert connection.scalar(new) is None

        flask_migrate.downgrade(revision=before)
        assert "confirmed_at" not in {c["name"] for c in sa.inspect(db.engine).get_columns("user")}
        with db.engine.connect() as connection:
            names = connection.execute(sa.select(user_table().c.username)).scalars().all()
        assert sorted(names) == ["mike", "new", "susan"]
