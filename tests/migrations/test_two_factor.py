"""Migration 0013 adds the two-factor tables, which keep their rows' rules (a user's rows go
with the user), and undoes cleanly."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users, user_table

SIGNED_UP = {"susan": dt.datetime(2026, 1, 2, 3, 4, 5, 678901)}


def test_two_factor_tables_up_and_down(app, scripts):
    before = scripts.get_revision("0013").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, SIGNED_UP)

        flask_migrate.upgrade(revision="0013")
        metadata = sa.MetaData()
        two_factor = sa.Table("two_factor", metadata, autoload_with=db.engine)
        recovery = sa.Table("recovery_code", metadata, autoload_with=db.engine)
        user = user_table()
        with db.engine.begin() as connection:
            susan = connection.scalar(sa.select(user.c.id))
            enabled = dt.datetime(2026, 12, 6, 1, 2, 3, 456789)
            connection.execute(
                two_factor.insert().values(
                    user_id=susan, secret="A" * 32, last_used_step=60_000_000, enabled_at=enabled
                )
            )
            connection.execute(
                recovery.insert(), [{"user_id": susan, "code_hash": f"{n:064x}"} for n in range(10)]
            )
            row = connection.execute(sa.select(two_factor)).one()
            assert (row.last_used_step, row.enabled_at) == (60_000_000, enabled)
        with db.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.execute(user.delete())
        with db.engine.connect() as connection:
            assert connection.scalar(sa.select(sa.func.count()).select_from(two_factor)) == 0
            assert connection.scalar(sa.select(sa.func.count()).select_from(recovery)) == 0

        flask_migrate.downgrade(revision=before)
        tables = set(sa.inspect(db.engine).get_table_names())
        assert not {"two_factor", "recovery_code"} & tables
