"""Databases for tests: a fresh one on the PostgreSQL or MariaDB server named by
TEST_POSTGRES_URL or TEST_MYSQL_URL (skipped with the reason when there is none), the app on
one brought to the head revision, and the migration scripts.

Every test gets its own database (a temporary file, or a uniquely named database on the
server) so the tests can run in parallel under pytest-xdist.
"""

import datetime
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from app import create_app
from app.extensions import db
from tests.settings import TEST_CONFIG

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS_DIR = ROOT / "migrations"

SERVERS = {
    "postgres": ("TEST_POSTGRES_URL", "PostgreSQL"),
    "mysql": ("TEST_MYSQL_URL", "MariaDB/MySQL"),
}

# A server that is down costs one connect timeout per worker, not one per test.
_unreachable: dict[str, str] = {}


def script_directory() -> ScriptDirectory:
    """The migration scripts, read without an app or a database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def _admin_engine(url: URL) -> sa.Engine:
    # PostgreSQL refuses CREATE/DROP DATABASE inside a transaction.
    return sa.create_engine(
        url,
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
        connect_args={"connect_timeout": 5},
    )


def _quote(engine: sa.Engine, name: str) -> str:
    return engine.dialect.identifier_preparer.quote_identifier(name)


@contextmanager
def migrated_app(url: str, **settings) -> Iterator[Flask]:
    """The app (with `settings` over the test config) on the database at `url`, brought to
    the head revision by the migrations.

    Run from the project folder (Flask-Migrate finds migrations/ from there). Its pool is
    closed afterwards: pooled connections would hold a server database open past its DROP.
    """
    app = create_app({**TEST_CONFIG, **settings, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@contextmanager
def server_database(backend: str) -> Iterator[str]:
    """Create a fresh database next to the one in TEST_<BACKEND>_URL; drop it afterwards."""
    variable, label = SERVERS[backend]
    base_url = os.environ.get(variable)
    if not base_url:
        pytest.skip(f"{variable} is not set: no {label} server to run migrations on")
    if variable in _unreachable:
        pytest.skip(_unreachable[variable])
    url = make_url(base_url)
    name = f"test_mig_{uuid.uuid4().hex[:8]}"
    engine = _admin_engine(url)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {_quote(engine, name)}")
    except sa.exc.OperationalError as error:
        where = url.render_as_string(hide_password=True)
        _unreachable[variable] = f"{label} at {where} is unreachable: {error.orig}"
        engine.dispose()
        pytest.skip(_unreachable[variable])
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        drop = f"DROP DATABASE IF EXISTS {_quote(engine, name)}"
        if backend == "postgres":
            # A connection the test leaked must not keep the database alive.
            drop += " WITH (FORCE)"
        with engine.connect() as connection:
            connection.exec_driver_sql(drop)
        engine.dispose()


def user_table() -> sa.Table:
    """The user table as the database has it now: a migration test's schema is not the models'."""
    return sa.Table("user", sa.MetaData(), autoload_with=db.engine)


def insert_users(connection: sa.Connection, signed_up: dict[str, datetime.datetime]) -> None:
    """Users as rows of the schema a migration test is at: name, email, sign-up time."""
    rows = [
        {
            "username": name,
            "username_skeleton": name,
            "email": f"{name}@x.org",
            "created_at": when,
            "last_seen": when,
        }
        for name, when in signed_up.items()
    ]
    connection.execute(user_table().insert(), rows)


def insert_users_with_posts(
    connection: sa.Connection, when: datetime.datetime, bodies: dict[str, str]
) -> dict[str, int]:
    """Users signed up at `when`, each with the post `bodies` gives them (none for ""), as rows
    of the schema a migration test is at; their ids by name."""
    insert_users(connection, dict.fromkeys(bodies, when))
    metadata = sa.MetaData()
    metadata.reflect(bind=connection, only=["user", "post"])
    user, post = metadata.tables["user"], metadata.tables["post"]
    ids = dict(connection.execute(sa.select(user.c.username, user.c.id)).all())
    for name, body in bodies.items():
        if body:
            connection.execute(post.insert().values(body=body, timestamp=when, user_id=ids[name]))
    return ids
