"""The database's plan for a statement the app sends, as the app sends it (SQL and parameters)."""

from collections.abc import Callable, Iterator

from sqlalchemy import event

from app.extensions import db


def statements(run: Callable[[], object]) -> list[tuple[str, object]]:
    """The SQL and parameters of each statement `run()` sends on the session's connection."""
    connection = db.session.connection()
    executed = []

    def record(conn, cursor, statement, parameters, context, executemany):
        executed.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(connection, "before_cursor_execute", record)
    return executed


def last_statement(run: Callable[[], object]) -> tuple[str, object]:
    """The SQL and parameters of the last statement `run()` sends on the session's connection."""
    return statements(run)[-1]


def explain(run: Callable[[], object], bitmap_scans: bool = True) -> str:
    """The plan of the last statement `run()` sends, one line per row of EXPLAIN; without
    `bitmap_scans`, PostgreSQL may not use them either (on a few rows it would rather read a
    range of an index through one and sort it than walk the index in order)."""
    statement, parameters = last_statement(run)
    connection = db.session.connection()
    backend = connection.dialect.name
    if backend == "postgresql":
        # A test's few hundred rows: only a planner denied sequential scans shows what it
        # would use on a full table.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        if not bitmap_scans:
            connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
    explain = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
    rows = connection.exec_driver_sql(explain + statement, parameters).all()
    return "\n".join(" ".join(str(value) for value in row) for row in rows)


def explain_analyze(run: Callable[[], object]) -> list:
    """PostgreSQL's EXPLAIN ANALYZE of the last statement `run()` sends, as JSON."""
    return analyzed(*last_statement(run))


def analyzed(statement: str, parameters: object) -> list:
    """PostgreSQL's EXPLAIN ANALYZE of a statement, as JSON."""
    explain = "EXPLAIN (ANALYZE, FORMAT JSON) " + statement
    return db.session.connection().exec_driver_sql(explain, parameters).scalar_one()


def plan_nodes(node: dict) -> Iterator[dict]:
    """A node of a JSON plan and every node under it."""
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)
