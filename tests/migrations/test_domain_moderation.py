"""Migration 0025: remote_actor.domain filled in from each account's handle, one rule per
server, a user's blocked servers counted in block_total and taken out of it on the way
down, which drops the new tables and columns."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)
NEW_TABLES = {"domain_block", "user_domain_block", "retired_key"}


def tables(*names: str) -> dict[str, sa.Table]:
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine, only=names)
    return metadata.tables


def add_remote(
    connection, users: sa.Table, actors: sa.Table, name: str, host: str, **columns
) -> int:
    """name@host, with a remote_actor row of these `columns` besides those every version has."""
    handle = f"{name}@{host}"
    row = {"username": handle, "username_skeleton": handle, "email": None}
    connection.execute(users.insert().values(**row, created_at=WHEN, last_seen=WHEN))
    id = connection.execute(sa.select(users.c.id).where(users.c.username == handle)).scalar_one()
    actor = f"https://{host}/users/{name}"
    connection.execute(actors.insert().values(
        user_id=id, uri=actor, inbox=f"https://{host}/inbox", public_key_pem="KEY",
        key_id=f"{actor}#main-key", fetched_at=WHEN, **columns))  # fmt: skip
    return id


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0025").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": WHEN})
            old = tables("user", "remote_actor")
            users, actors = old["user"], old["remote_actor"]
            add_remote(connection, users, actors, "bob", "remote.example")
            add_remote(connection, users, actors, "ann", "other.example:8443")
        flask_migrate.upgrade(revision="0025")
        assert set(sa.inspect(db.engine).get_table_names()) >= NEW_TABLES
        new = tables("user", "remote_actor", "domain_block", "user_domain_block", "moderation_log")
        actors, users = new["remote_actor"], new["user"]
        with db.engine.begin() as connection:
            domains = connection.execute(sa.select(actors.c.domain).order_by(actors.c.domain))
            assert domains.scalars().all() == ["other.example:8443", "remote.example"]
            susan = connection.execute(
                sa.select(users.c.id).where(users.c.username == "susan")
            ).scalar_one()
            rule = {"domain": "remote.example", "severity": "block", "since": WHEN}
            connection.execute(new["domain_block"].insert().values(**rule))
            for domain in ("remote.example", "other.example:8443"):
                connection.execute(new["user_domain_block"].insert().values(
                    user_id=susan, domain=domain, created_at=WHEN))  # fmt: skip
            connection.execute(users.update().where(users.c.id == susan).values(block_total=2))
            connection.execute(new["moderation_log"].insert().values(
                created_at=WHEN, moderator="boss", action="block_domain",
                target_domain="remote.example", reason=""))  # fmt: skip
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(new["domain_block"].insert().values(**rule))
        # An actor without its server cannot be kept.
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(actors.update().values(domain=None))

        flask_migrate.downgrade(revision=before)
        assert not set(sa.inspect(db.engine).get_table_names()) & NEW_TABLES
        old = tables("user", "remote_actor", "moderation_log")
        assert "domain" not in old["remote_actor"].c
        assert "target_domain" not in old["moderation_log"].c
        with db.engine.connect() as connection:
            totals = connection.execute(
                sa.select(old["user"].c.username, old["user"].c.block_total)
            ).all()
            assert set(dict(totals).values()) == {0}
        flask_migrate.upgrade()
