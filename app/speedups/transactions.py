"""PostgreSQL reads declared with READS_ONLY (app/database.py) run outside a transaction.

Speeds up the pages that only read on PostgreSQL: two round trips (the user, the page)
instead of four, and psycopg keeps its prepared statements (how much: benchmarks/README.md).
Breaks if a statement declared a read writes or locks: only_reads() checks each declared
read again, and anything else begins the transaction first (tests/test_database.py).
"""

import re
from functools import lru_cache

import psycopg
from flask import Flask
from sqlalchemy import event

from app.extensions import db

# A second check on declared reads: a SELECT (or WITH) that neither writes (a data-modifying
# WITH) nor locks (FOR UPDATE/SHARE, a transaction-level advisory lock).
_READS = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
_WRITES_OR_LOCKS = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|SHARE|LOCK)\b|_xact_", re.IGNORECASE)
BEGINS_BEFORE_WRITING = "microblog.begins_before_writing"


@lru_cache(maxsize=1024)
def only_reads(statement: str) -> bool:
    """True for SQL that reads without writing or locking anything.

    Remembered: the app sends a few dozen statements, each the same string every time (the
    timeline's is long enough that searching it costs more than the round trip it saves).
    """
    return bool(_READS.match(statement)) and not _WRITES_OR_LOCKS.search(statement)


def _read_outside_transactions(
    dbapi_connection: psycopg.Connection, connection_record, proxy
) -> None:
    """PostgreSQL runs the reads declared with READS_ONLY outside a transaction; the
    transaction begins just before the first statement that is not one
    (_begin_before_writing): a write, or any read not declared, such as `SELECT f()`.

    A page that only reads then costs two round trips (the user, the page) instead of
    four: psycopg sent BEGIN before the first, and the request's end sent COMMIT or
    ROLLBACK. Under READ COMMITTED, PostgreSQL's default, every statement reads its own
    snapshot inside a transaction too, so reads see what they saw before; writes stay
    atomic and locks are held until the end, because they run inside the transaction.
    No ROLLBACK also means psycopg keeps the statements it prepared on the connection.
    A connection someone set to autocommit themselves (isolation_level="AUTOCOMMIT") is
    left as it is.
    """
    if not dbapi_connection.autocommit:
        dbapi_connection.autocommit = True
        connection_record.info[BEGINS_BEFORE_WRITING] = True


def _begin_before_writing(conn, cursor, statement, parameters, context, executemany) -> None:
    if not conn.info.get(BEGINS_BEFORE_WRITING):
        return
    dbapi_connection = cursor.connection
    if (
        dbapi_connection.autocommit
        and "isolation_level" not in conn.get_execution_options()
        # A server-side cursor (yield_per, stream_results) exists only in a transaction.
        and (
            isinstance(cursor, psycopg.ServerCursor)
            or context is None
            or not context.execution_options.get("microblog_reads_only")
            or not only_reads(statement)
        )
    ):
        # psycopg sends BEGIN before this statement; SQLAlchemy's COMMIT or ROLLBACK ends it.
        dbapi_connection.autocommit = False


def init_app(app: Flask) -> None:
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "postgresql":
            event.listen(engine, "checkout", _read_outside_transactions)
            event.listen(engine, "before_cursor_execute", _begin_before_writing)
