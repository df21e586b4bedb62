"""Migration 0027: actor_domain filled in with each remote account's server and every domain
above it (an address only itself), gone with its accounts, and dropped on the way down."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users
from tests.migrations.test_domain_moderation import add_remote, tables

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)
HOSTS = ("a.social.example.com", "other.example:8443", "127.0.0.1:8000")


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0027").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": WHEN})
            old = tables("user", "remote_actor")
            users, actors = old["user"], old["remote_actor"]
            ids = {
                host: add_remote(connection, users, actors, "bob", host, domain=host)
                for host in HOSTS
            }
        flask_migrate.upgrade(revision="0027")
        new = tables("user", "actor_domain")
        rows = new["actor_domain"]
        with db.engine.begin() as connection:
            kept = connection.execute(sa.select(rows.c.user_id, rows.c.domain)).all()
            assert sorted(kept) == sorted([
                (ids["a.social.example.com"], "a.social.example.com"),
                (ids["a.social.example.com"], "social.example.com"),
                (ids["a.social.example.com"], "example.com"),
                (ids["a.social.example.com"], "com"),
                (ids["other.example:8443"], "other.example:8443"),
                (ids["other.example:8443"], "example:8443"),
                (ids["127.0.0.1:8000"], "127.0.0.1:8000"),
            ])  # fmt: skip
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(
                rows.insert().values(user_id=ids["127.0.0.1:8000"], domain="127.0.0.1:8000")
            )
        with db.engine.begin() as connection:
            gone = ids["a.social.example.com"]
            connection.execute(new["user"].delete().where(new["user"].c.id == gone))
            left = connection.execute(sa.select(rows.c.user_id).distinct()).scalars().all()
            assert sorted(left) == sorted([ids["other.example:8443"], ids["127.0.0.1:8000"]])

        flask_migrate.downgrade(revision=before)
        assert "actor_domain" not in sa.inspect(db.engine).get_table_names()
