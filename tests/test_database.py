"""The SQLite settings that keep gunicorn workers from failing on each other's locks.
(Surviving a restarted PostgreSQL is proven in tests/system/test_faults.py.)"""

from app.extensions import db


def test_sqlite_file_databases_use_wal_and_wait_for_locks(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'app.db'}")
    with app.app_context(), db.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA busy_timeout").scalar() == 5000
        assert pragma("PRAGMA foreign_keys").scalar() == 1
