"""Shared fixtures: the app on a fresh in-memory database, its clients, and a user factory."""

import os
import re
import socket
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.models import User
from tests.databases import ROOT, migrated_app, server_database
from tests.settings import PASSWORD, SPEEDUPS, TEST_CONFIG

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # browser tests skip, with the reason, in the chromium fixture
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if SPEEDUPS:
        return
    skip = pytest.mark.skip(reason="tests a speed-up: MICROBLOG_TEST_SPEEDUPS=off")
    for item in items:
        if item.get_closest_marker("speedups"):
            item.add_marker(skip)


@pytest.fixture
def make_app(tmp_path):
    """Build an app with extra settings, on a fresh in-memory database."""

    def make(**overrides):
        app = create_app({**TEST_CONFIG, "MEDIA_FOLDER": str(tmp_path / "media"), **overrides})
        with app.app_context():
            db.create_all()
        return app

    return make


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    ]
)
def database_url(request, tmp_path):
    """The URL of an empty database, once per kind: a SQLite file, then the PostgreSQL and
    MariaDB servers of TEST_POSTGRES_URL and TEST_MYSQL_URL (skipped without them)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    with server_database(request.param) as url:
        yield url


@pytest.fixture
def app_on_each_database(database_url, monkeypatch):
    """The app on a fresh database of each kind, brought to the head revision by the
    migrations: the schema production has, where a test is about queries and their plans."""
    monkeypatch.chdir(ROOT)  # Flask-Migrate finds migrations/ from there
    with migrated_app(database_url) as app:
        yield app


@pytest.fixture
def postgresql_app(monkeypatch):
    """The app on a fresh, migrated PostgreSQL database, for what only PostgreSQL does."""
    monkeypatch.chdir(ROOT)
    with server_database("postgres") as url, migrated_app(url) as app:
        yield app


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def add_user(app, username="susan", email=None, password=PASSWORD, **columns) -> User:
    """Create a user in `app`'s database and return it, detached but with its columns loaded."""
    with app.app_context():
        user = User(username=username, email=email or f"{username}@example.com", **columns)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


@pytest.fixture
def make_user(app):
    """add_user() for the `app` fixture."""

    def make(username="susan", email=None, password=PASSWORD, **columns):
        return add_user(app, username, email, password, **columns)

    return make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="susan", password=PASSWORD, remember=False, **kwargs):
        data = {"username": username, "password": password}
        if remember:
            data["remember_me"] = "y"
        return self._client.post("/auth/login", data=data, **kwargs)

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def csrf_token():
    """Read the CSRF token out of a page, as a browser submitting its form would."""

    def extract(response):
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.text)
        assert match, "the page has no CSRF token"
        return match.group(1)

    return extract


@pytest.fixture
def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium, one per test process: Playwright's sync API cannot run
    twice in one process, so every browser test shares this one."""
    if sync_playwright is None:
        pytest.skip("playwright is not installed (pip install -r requirements-test.txt)")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def redis_url():
    """The real Redis of TEST_REDIS_URL; the test skips, with the reason, without one."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: no Redis server")
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(url, socket_connect_timeout=3).ping()
    except RedisError as error:
        pytest.skip(f"Redis at {url} is unreachable: {error}")
    return url
