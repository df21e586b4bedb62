"""Database engine tuning and the "migrations not applied" check."""

import os
import select
import sqlite3
from collections.abc import Callable
from functools import lru_cache

import click
import psycopg
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import event, make_url
from sqlalchemy.exc import DisconnectionError

from app.extensions import db

UPGRADE = "`flask db upgrade`"

# The revisions of the tutorial's app, oldest first (its migrations/versions): a database
# at the last is adopted by `flask db upgrade` (app/tutorial_adoption.py).
TUTORIAL_REVISIONS = {
    "e517276bb1c2": "users table",
    "780739b227a7": "posts table",
    "37f06a334dbf": "new fields in user model",
    "ae346256b650": "followers",
    "2b017edaa91f": "add language to posts",
    "d049de007ccf": "private messages",
    "f7ac3d27bb1d": "notifications",
    "c81bac34faab": "tasks",
    "834b1a697901": "user tokens",
}
TUTORIAL_HEAD = "834b1a697901"


def _tune_sqlite(dbapi_connection: sqlite3.Connection, connection_record) -> None:
    # WAL lets readers and a writer work at once; the busy timeout queues writers
    # instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA foreign_keys = ON")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """db.init_app, with settings and listeners for the database's kind.

    A pooled connection to a server can die while it waits (the server restarted). MariaDB's
    connections are pinged before use, a round trip on every request; PostgreSQL's are
    checked without one (_drop_connections_the_server_closed). A SQLite file database has
    no connection to lose.
    """
    backend = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    options: dict = {"pool_pre_ping": backend not in ("sqlite", "postgresql")}
    if backend == "postgresql":
        # No JIT: compiling a page's query cost 30-50 ms where running it costs under one
        # (the timeline, a thread); it pays off for long reports, never for a page.
        options["connect_args"] = {"options": "-c jit=off"}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **options,
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    db.init_app(app)
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _tune_sqlite)
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "checkout", _drop_connections_the_server_closed)


def _drop_connections_the_server_closed(
    dbapi_connection: psycopg.Connection, connection_record, proxy
) -> None:
    """A PostgreSQL connection with something to read while no query is running has been
    ended by the server (a restart sends its "terminating connection" and closes), so the
    pool replaces it. A connection lost without a word fails on its first query instead,
    which answers 503 and makes the pool replace every connection opened before it.
    """
    if dbapi_connection.closed:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection")


# Execution options that declare a statement a plain read: it writes and locks nothing (no
# function that writes, no FOR UPDATE). With the speed-ups on PostgreSQL, such a read may
# run outside a transaction (app/speedups/transactions.py). Given by the busiest pages' reads:
#     db.session.execute(statement, params, execution_options=READS_ONLY)
READS_ONLY = {"microblog_reads_only": True}


@lru_cache(maxsize=8)
def _revisions(directory: str) -> tuple[frozenset[str], frozenset[str]]:
    """The revisions and heads in `directory`, read once: the 503 page asks on each failure."""
    scripts = ScriptDirectory(directory)
    return frozenset(s.revision for s in scripts.walk_revisions()), frozenset(scripts.get_heads())


def _database_revisions() -> tuple[set[str], frozenset[str], frozenset[str]]:
    """The database's revisions, and migrations/'s revisions and heads."""
    ours, heads = _revisions(os.path.abspath(current_app.extensions["migrate"].directory))
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, ours, heads


def migrations_pending() -> bool:
    """True when the database is not at the head revision of migrations/."""
    current, _, heads = _database_revisions()
    return current != heads


def _english(message: str, **values) -> str:
    return message % values


def schema_advice(_: Callable[..., str] = _english) -> str | None:
    """What to do for the database to be at the head revision of migrations/, None when it
    is: in English for commands, or in the words `_` (gettext) gives for the 503 page."""
    current, ours, heads = _database_revisions()
    if current == heads:
        return None
    unknown = sorted(current - ours)
    if not unknown:
        return _("The database is not up to date: run %(command)s.", command=UPGRADE)
    revision = unknown[0]
    if revision == TUTORIAL_HEAD:
        return _(
            "This database was made by the tutorial's app (revision %(revision)s): run"
            " %(command)s, which adopts it.",
            revision=revision,
            command=UPGRADE,
        )
    if revision in TUTORIAL_REVISIONS:
        return _(
            "This database was made by the tutorial's app and is at its revision"
            " %(revision)s, which %(command)s cannot go on from: run the tutorial's own"
            " %(command)s on it first (to %(head)s), then this app's.",
            revision=revision,
            command=UPGRADE,
            head=TUTORIAL_HEAD,
        )
    return _(
        "The database is at revision %(revision)s, which this app does not know:"
        " %(command)s cannot go on from there.",
        revision=revision,
        command=UPGRADE,
    )


def require_current_schema() -> None:
    """For CLI commands: stop with a clear message when migrations are not applied."""
    advice = schema_advice()
    if advice is not None:
        raise click.ClickException(advice)
