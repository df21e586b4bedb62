"""Database engine tuning and the "migrations not applied" check."""

import sqlite3

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db

BEHIND_MESSAGE = "The database is not up to date: run `flask db upgrade`."


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # WAL lets readers and a writer work at once; the busy timeout queues writers
    # instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA foreign_keys = ON")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def migrations_pending() -> bool:
    """True when the database is not at the head revision of migrations/."""
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current != heads


def require_current_schema() -> None:
    """For CLI commands: stop with a clear message when migrations are not applied."""
    if migrations_pending():
        raise click.ClickException(BEHIND_MESSAGE)
