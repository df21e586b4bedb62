"""The SQLite storage of rate-limit counters (app/limit_storage.py), and how the app picks it."""

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app.extensions import limiter
from app.limit_storage import SQLiteStorage

WRONG = "a wrong password"


def test_default_storage_is_a_file_in_the_instance_folder(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=None, REDIS_URL=None)
    assert isinstance(limiter.storage, SQLiteStorage)
    assert Path(limiter.storage.path) == Path(app.instance_path) / "rate-limits.db"


def test_counts_in_the_file_are_shared_by_apps(make_app, tmp_path):
    """Two apps on one file, as two workers (or two instances on one machine) are."""
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'limits.db'}",
        "LOGIN_RATE_LIMIT": "2 per minute",
    }
    data = {"username": "nobody", "password": WRONG}
    first = make_app(**settings).test_client()
    assert [first.post("/auth/login", data=data).status_code for _ in range(2)] == [200, 200]
    second = make_app(**settings).test_client()
    assert second.post("/auth/login", data=data).status_code == 429


def test_a_counter_starts_again_once_its_window_is_over(tmp_path, monkeypatch):
    from app import limit_storage

    now = [1000.0]
    monkeypatch.setattr(limit_storage, "time", type("Clock", (), {"time": lambda: now[0]}))
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'limits.db'}")
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") == 1060.0
    now[0] = 1060.0
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1 and storage.get_expiry("k") == 1120.0
    storage.clear("k")
    assert storage.get("k") == 0


def test_an_unusable_file_falls_back_to_memory_and_keeps_serving(make_app, monkeypatch, caplog):
    # Flask-Limiter keeps "storage is dead" on its one limiter: leave it as this test found it.
    monkeypatch.setattr(limiter, "_storage_dead", False)
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="sqlite:////dev/null/limits.db",
        LOGIN_RATE_LIMIT="1 per minute",
    )
    client = app.test_client()
    data = {"username": "nobody", "password": WRONG}
    with caplog.at_level(logging.WARNING):
        assert client.post("/auth/login", data=data).status_code == 200
    assert "falling back to in-memory storage" in caplog.text
    assert client.post("/auth/login", data=data).status_code == 429


def test_concurrent_hits_are_each_counted_once(tmp_path):
    """Each thread opens its own connection, as each worker does: no hit is lost or shared."""
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'limits.db'}")
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: storage.incr("k", 60), range(400)))
    assert sorted(counts) == list(range(1, 401))
