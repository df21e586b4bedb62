"""Rate-limit counters in a SQLite file, shared by every worker and instance on one machine.

`limits` (under Flask-Limiter) ships storages for memory, Redis, Memcached and MongoDB only:
memory counts per process, so with gunicorn each worker had a limit of its own. Registered
as the `sqlite:///path` scheme; it serves Flask-Limiter's default fixed-window strategy.
"""

import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS counter (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID
"""

# One statement, so two workers counting at once each see the other's hit.
INCREMENT = """
INSERT INTO counter (key, count, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires_at > :now THEN count + excluded.count ELSE excluded.count END,
    expires_at = CASE WHEN expires_at > :now THEN expires_at ELSE excluded.expires_at END
RETURNING count
"""

# Expired counters are deleted at most this often (seconds), by whichever process hits first.
PURGE_INTERVAL = 60


def path_from_uri(uri: str) -> str:
    """The file of a `sqlite:///relative` or `sqlite:////absolute` URI (SQLAlchemy's form)."""
    path = uri.removeprefix("sqlite:///")
    if not path or path == uri:
        raise ValueError(f"expected sqlite:///path, got {uri!r}")
    return path


class SQLiteStorage(Storage):
    """Fixed-window counters in one table of their own file, in WAL mode.

    A file apart from the app's database, so counting a login never waits on (or locks) the
    app's own writes. Each process and thread opens its own connection: gunicorn forks workers.
    """

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = path_from_uri(uri)
        self.timeout = float(options.get("timeout", 5))
        self._local = threading.local()
        self._next_purge = 0.0

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error, OSError)

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            # A crash may lose the last hits: no fsync per login.
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(SCHEMA)
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        if now >= self._next_purge:
            self._next_purge = now + PURGE_INTERVAL
            connection.execute("DELETE FROM counter WHERE expires_at <= ?", (now,))
        values = {"key": key, "amount": amount, "now": now, "expiry": expiry}
        return connection.execute(INCREMENT, values).fetchall()[0][0]

    def _live(self, key: str, now: float) -> tuple[int, float] | None:
        """The count and expiry of an unexpired counter."""
        query = "SELECT count, expires_at FROM counter WHERE key = ? AND expires_at > ?"
        return self._connection().execute(query, (key, now)).fetchone()

    def get(self, key: str) -> int:
        row = self._live(key, time.time())
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = self._live(key, now)
        return row[1] if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1 FROM counter LIMIT 1").fetchall()
        except (sqlite3.Error, OSError):
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counter WHERE key = ?", (key,))
