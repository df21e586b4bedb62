"""The SQLite settings that keep gunicorn workers from failing on each other's locks, and
how a request's transaction ends. (Surviving a restarted PostgreSQL is proven in
tests/system/test_faults.py.)"""

import time

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.conftest import AuthActions, add_user
from tests.migrations.conftest import ROOT, migrated_app, server_database


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


def test_a_request_that_only_read_ends_its_transaction_with_commit(app_with_views):
    # psycopg forgets its prepared statements on ROLLBACK: reads must not end with one.
    assert ends(app_with_views, "/test/read") == ["commit"]


@pytest.mark.parametrize("path", ["/test/change", "/test/flush", "/test/update"])
def test_a_request_that_wrote_without_committing_is_rolled_back(app_with_views, path):
    assert ends(app_with_views, path) == ["rollback"]
    with app_with_views.app_context():
        assert db.session.scalar(select(User.about_me)) == "before"


@pytest.mark.postgres
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
