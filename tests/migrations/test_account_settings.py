"""Migration 0021: drops user.session_generation (the sign-in records replaced it), adds
user.theme (NULL for everyone: nobody has picked) and two_factor_setup, whose rows go with
their user; the downgrade gives the column back, at 0 for everyone, and keeps the users."""

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
        with db.engine.connect() as connection:
            themes = connection.execute(sa.select(user_table().c.theme)).scalars().all()
        assert themes == [None, None]
        assert "two_factor_setup" in sa.inspect(db.engine).get_table_names()

        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine, only=["user", "two_factor_setup"])
        users, setup = metadata.tables["user"], metadata.tables["two_factor_setup"]
        with db.engine.begin() as connection:
            ids = dict(connection.execute(sa.select(users.c.username, users.c.id)).all())
            for name in ("susan", "john"):
                connection.execute(setup.insert().values(
                    user_id=ids[name], login_session_id="s", secret="A" * 32,
                    created_at=WHEN))  # fmt: skip
            connection.execute(users.delete().where(users.c.id == ids["susan"]))
        with db.engine.connect() as connection:
            owners = connection.execute(sa.select(setup.c.user_id)).scalars().all()
        assert owners == [ids["john"]]

        flask_migrate.downgrade(revision=before)
        assert "session_generation" in user_columns()
        assert "theme" not in user_columns()
        users = user_table()
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.select(users.c.username, users.c.session_generation).order_by(users.c.username)
            ).all()
        assert [tuple(row) for row in rows] == [("john", 0)]
        assert "two_factor_setup" not in sa.inspect(db.engine).get_table_names()
