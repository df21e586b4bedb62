"""Database engine tuning and the "migrations not applied" check."""

import select
import sqlite3

import click
import psycopg
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

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


def init_app(app: Flask) -> None:
    """Pool settings for the app's database (before db.init_app).

    A pooled connection to a server can die while it waits (the server restarted). MariaDB's
    connections are pinged before use, a round trip on every request; PostgreSQL's are
    checked without one (_drop_connections_the_server_closed). A SQLite file database has
    no connection to lose.
    """
    backend = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "pool_pre_ping": backend not in ("sqlite", "postgresql"),
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }


@event.listens_for(Pool, "checkout")
def _drop_connections_the_server_closed(dbapi_connection, connection_record, proxy) -> None:
    """A PostgreSQL connection with something to read while no query is running has been
    ended by the server (a restart sends its "terminating connection" and closes), so the
    pool replaces it. A connection lost without a word fails on its first query instead,
    which answers 503 and makes the pool replace every connection opened before it.
    """
    if not isinstance(dbapi_connection, psycopg.Connection):
        return
    if dbapi_connection.closed:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection")


# A request that wrote nothing ends its transaction with COMMIT rather than ROLLBACK: for
# such a transaction they are the same, but psycopg forgets every statement it prepared on a
# connection when it sees a ROLLBACK. Kept, PostgreSQL plans the home page's hundred-arm
# timeline once per connection instead of on every request (about 5 ms of planning).
WROTE = "microblog.wrote"


@event.listens_for(Session, "before_flush")
def _flushing(session, flush_context, instances) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executing(state) -> None:
    if not state.is_select:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)


def end_read_only_transaction(session: Session) -> None:
    """Commit the session's transaction if it has written nothing, nor has anything to write.

    For the end of a request: the objects keep their loaded values, as they would after the
    ROLLBACK of closing the session.
    """
    transaction = session.get_transaction()
    if (
        transaction is not None
        and transaction.is_active
        and not session.info.get(WROTE)
        and not (session.new or session.dirty or session.deleted)
    ):
        session.expire_on_commit = False
        session.commit()


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
