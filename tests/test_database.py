"""The SQLite settings that keep gunicorn workers from failing on each other's locks, how a
request's transaction ends, and PostgreSQL's reads outside a transaction. (Surviving a
restarted PostgreSQL is proven in tests/system/test_faults.py.)"""

import time

import pytest
import sqlalchemy as sa
from psycopg.pq import TransactionStatus
from sqlalchemy import select

from app.database import READS_ONLY
from app.extensions import db
from app.models import Post, User
from app.speedups.transactions import only_reads
from tests.conftest import AuthActions, add_user
from tests.databases import ROOT, migrated_app, server_database


def test_sqlite_file_databases_use_wal_and_wait_for_locks(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'app.db'}")
    with app.app_context(), db.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA busy_timeout").scalar() == 5000
        assert pragma("PRAGMA foreign_keys").scalar() == 1


@pytest.fixture
def app_with_views(make_app, tmp_path):
    """An app on a file database with views that change a user and never commit."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'app.db'}")
    add_user(app, about_me="before")

    def susan() -> User:
        return db.session.scalar(select(User))

    @app.get("/test/read")
    def read():
        return susan().about_me

    @app.get("/test/change")
    def change():
        susan().about_me = "changed"
        return "not committed"

    @app.get("/test/flush")
    def flush():
        susan().about_me = "flushed"
        db.session.flush()
        return "not committed"

    @app.get("/test/update")
    def update():
        db.session.execute(sa.update(User).values(about_me="updated"))
        return "not committed"

    return app


def ends(app, path: str) -> list[str]:
    """How the database transactions of a request to `path` ended."""
    endings = []
    with app.app_context():
        engine = db.engine
    listeners = {"commit": lambda conn: endings.append("commit")}
    listeners["rollback"] = lambda conn: endings.append("rollback")
    for name, listener in listeners.items():
        sa.event.listen(engine, name, listener)
    try:
        assert app.test_client().get(path).status_code == 200
    finally:
        for name, listener in listeners.items():
            sa.event.remove(engine, name, listener)
    return endings


@pytest.mark.parametrize("path", ["/test/change", "/test/flush", "/test/update"])
def test_a_request_that_wrote_without_committing_is_rolled_back(app_with_views, path):
    assert ends(app_with_views, path) == ["rollback"]
    with app_with_views.app_context():
        assert db.session.scalar(select(User.about_me)) == "before"


@pytest.mark.postgres
@pytest.mark.speedups
def test_postgresql_keeps_a_pages_prepared_statements_between_requests(monkeypatch):
    monkeypatch.chdir(ROOT)
    with server_database("postgres") as url, migrated_app(url) as app:
        add_user(app)
        client = app.test_client()
        AuthActions(client).login()
        for _ in range(8):
            assert client.get("/explore").status_code == 200
        with app.app_context():
            prepared = db.session.scalars(
                sa.text("SELECT statement FROM pg_prepared_statements")
            ).all()
    # psycopg prepares a statement on its fifth run; ROLLBACK after each request would
    # have dropped it before then.
    assert any("FROM post" in statement for statement in prepared)


@pytest.mark.postgres
def test_a_postgresql_connection_the_server_ended_is_replaced_before_use(monkeypatch):
    monkeypatch.chdir(ROOT)
    with server_database("postgres") as url, migrated_app(url) as app:
        backend_pid = sa.text("SELECT pg_backend_pid()")
        with app.app_context():
            first = db.session.scalar(backend_pid)
        # The connection is back in the pool; the server ends it, as a restart would.
        admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            gone = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            deadline = time.monotonic() + 10
            while connection.execute(gone, {"pid": first}).scalar() and time.monotonic() < deadline:
                time.sleep(0.05)
        admin.dispose()
        with app.app_context():
            assert db.session.scalar(backend_pid) != first
        with app.app_context():
            assert not db.engine.pool._pre_ping  # found without a round trip per request


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT post.id FROM post ORDER BY post.timestamp DESC LIMIT 26",
        "  select 1",
        "WITH author AS (SELECT 1 AS id) SELECT id FROM author",
    ],
)
def test_selects_only_read(statement):
    assert only_reads(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO post (body) VALUES (%(body)s)",
        "UPDATE user SET about_me = %(about_me)s",
        "DELETE FROM followers",
        "WITH gone AS (DELETE FROM post RETURNING id) SELECT count(*) FROM gone",
        "SELECT id FROM user WHERE id = 1 FOR UPDATE",
        "SELECT id FROM user FOR NO KEY UPDATE SKIP LOCKED",
        "SELECT id FROM user FOR KEY SHARE",
        "SELECT pg_advisory_xact_lock(1)",
        "SAVEPOINT sa_savepoint_1",
        "VACUUM ANALYZE",
        "CREATE TABLE t (id int)",
        "SET LOCAL statement_timeout = 1000",
    ],
)
def test_statements_that_write_or_lock_do_not_only_read(statement):
    assert not only_reads(statement)


def transaction_status() -> TransactionStatus:
    """Where the session's PostgreSQL connection stands: IDLE is outside a transaction."""
    return db.session.connection().connection.dbapi_connection.info.transaction_status


@pytest.fixture
def postgresql_app(monkeypatch):
    monkeypatch.chdir(ROOT)
    with server_database("postgres") as url, migrated_app(url) as app:
        add_user(app, about_me="before")
        yield app


def about_me_seen_by_another_connection(app) -> str:
    with app.app_context():
        url = db.engine.url
    other = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with other.connect() as connection:
            return connection.execute(select(User.about_me)).scalar_one()
    finally:
        other.dispose()


@pytest.mark.postgres
@pytest.mark.speedups
def test_postgresql_reads_outside_a_transaction_and_writes_inside_one(postgresql_app):
    with postgresql_app.app_context():
        susan = db.session.scalar(select(User), execution_options=READS_ONLY)
        assert transaction_status() == TransactionStatus.IDLE
        susan.about_me = "changed"
        db.session.flush()
        assert transaction_status() == TransactionStatus.INTRANS
        # Not committed: nobody else sees the change; the rollback undoes it.
        assert about_me_seen_by_another_connection(postgresql_app) == "before"
        db.session.rollback()
    assert about_me_seen_by_another_connection(postgresql_app) == "before"

    with postgresql_app.app_context():
        db.session.scalar(select(User)).about_me = "committed"
        db.session.commit()
    assert about_me_seen_by_another_connection(postgresql_app) == "committed"


@pytest.mark.postgres
def test_a_postgresql_read_not_declared_runs_in_the_transaction(postgresql_app):
    """`SELECT f()` looks like a read, but f may write: only declared reads run outside."""
    with postgresql_app.app_context():
        db.session.execute(
            sa.text(
                "CREATE FUNCTION bump() RETURNS int LANGUAGE sql AS "
                "$$ UPDATE \"user\" SET about_me = 'bumped' RETURNING 1 $$"
            )
        )
        db.session.commit()
        assert db.session.scalar(sa.text("SELECT bump()")) == 1
        assert transaction_status() == TransactionStatus.INTRANS
        db.session.rollback()
    assert about_me_seen_by_another_connection(postgresql_app) == "before"


@pytest.mark.postgres
@pytest.mark.speedups
def test_a_postgresql_declared_read_runs_outside_a_transaction(postgresql_app):
    with postgresql_app.app_context():
        db.session.execute(select(User.id), execution_options=READS_ONLY)
        assert transaction_status() == TransactionStatus.IDLE
        # The second check still holds: a declared read that locks begins the transaction.
        db.session.execute(select(User.id).with_for_update(), execution_options=READS_ONLY)
        assert transaction_status() == TransactionStatus.INTRANS
        db.session.rollback()


@pytest.mark.postgres
def test_a_postgresql_locking_read_begins_the_transaction_and_holds_its_lock(postgresql_app):
    with postgresql_app.app_context():
        db.session.scalar(select(User).with_for_update())
        assert transaction_status() == TransactionStatus.INTRANS
        other = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
        try:
            with other.connect() as connection, pytest.raises(sa.exc.OperationalError):
                connection.execute(select(User.id).with_for_update(nowait=True))
        finally:
            other.dispose()
        db.session.rollback()


@pytest.mark.postgres
def test_a_postgresql_streamed_read_runs_in_a_transaction(postgresql_app):
    # A server-side cursor (yield_per, stream_results) exists only inside a transaction.
    add_user(postgresql_app, "alice")
    with postgresql_app.app_context():
        names = db.session.scalars(
            select(User.username).order_by(User.username).execution_options(yield_per=1)
        )
        assert list(names) == ["alice", "susan"]
        assert transaction_status() == TransactionStatus.INTRANS
        db.session.rollback()


@pytest.mark.postgres
def test_a_postgresql_connection_asked_for_autocommit_stays_in_it(postgresql_app):
    # VACUUM fails inside a transaction block: switching this connection would break it.
    with (
        postgresql_app.app_context(),
        db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
    ):
        connection.execute(sa.text("VACUUM ANALYZE post"))
        connection.execute(sa.text("UPDATE \"user\" SET about_me = 'autocommitted'"))
    assert about_me_seen_by_another_connection(postgresql_app) == "autocommitted"


@pytest.mark.postgres
@pytest.mark.speedups
def test_postgresql_pages_that_only_read_open_no_transaction(postgresql_app):
    """The pages people load most cost no BEGIN and no COMMIT; posting still writes in one."""
    with postgresql_app.app_context():
        engine = db.engine
    statuses: list[tuple[str, TransactionStatus]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statuses.append((statement.split()[0], cursor.connection.info.transaction_status))

    client = postgresql_app.test_client()
    AuthActions(client).login()
    # Lists with a post in them: each also asks for the reader's likes and boosts of it.
    assert client.post("/index", data={"post": "already there #flask"}).status_code == 302
    sa.event.listen(engine, "after_cursor_execute", record)
    try:
        for path in ("/index", "/explore", "/user/susan", "/post/1", "/post/1/likes", "/tag/flask"):
            assert client.get(path).status_code == 200
        reads = list(statuses)
        statuses.clear()
        assert client.post("/index", data={"post": "written in a transaction"}).status_code == 302
    finally:
        sa.event.remove(engine, "after_cursor_execute", record)
    assert reads and all(status == TransactionStatus.IDLE for _, status in reads)
    assert ("INSERT", TransactionStatus.INTRANS) in statuses
    with postgresql_app.app_context():
        assert db.session.scalar(select(sa.func.count()).select_from(Post)) == 2
