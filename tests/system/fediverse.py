"""Two instances of the app that federate with each other on 127.0.0.1, for the two-instance
system tests (tests/system/test_fediverse*.py): each is gunicorn on a port of its own with a
database of its own (a SQLite file, or one on TEST_POSTGRES_URL's server), in development
mode (FLASK_DEBUG), the only one that allows the settings letting it reach 127.0.0.1 over
plain http. The people using them, and the wait for what crosses, are in fediverse_clients.py.

Each delivers either from its own threads or, given a Redis URL, through RQ with a worker
of its own (`flask federation worker`) on queues of its own. An instance stops and starts
again on the same port and database, so its ids (http://127.0.0.1:PORT/users/...) stay valid.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import flask_migrate
import requests
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from app import create_app
from app.extensions import db
from app.federation.signatures import sign_request
from app.models import User
from app.models.types import utcnow
from tests.serving import production_env
from tests.settings import TEST_CONFIG
from tests.system.fediverse_clients import PASSWORD, Api, Browser
from tests.system.harness import BIN, HOST, ROOT, free_port, log_tail, wait_for_port

ACTIVITY_JSON = {"Content-Type": "application/activity+json"}


def reachable_redis() -> tuple[str | None, str]:
    """TEST_REDIS_URL if its server answers; else None, and why not."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        return None, "TEST_REDIS_URL is not set: no Redis server for A's delivery queues"
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        with Redis.from_url(url, socket_connect_timeout=3) as connection:
            connection.ping()
    except RedisError as error:
        return None, f"Redis at {url} is unreachable: {error}"
    return url, ""


def migrated(url: str) -> None:
    """Bring the database at `url` to the head revision (in this process, which has the app
    imported already: a `flask db upgrade` would import it again)."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()


def migrated_sqlite(folder: Path) -> Path:
    """A SQLite file at the head revision, for the instances to start from copies of."""
    path = folder / "template.db"
    migrated(f"sqlite:///{path}")
    return path


class Instance:
    """One federating site: `start()`, `stop()`, `start()` again; `close()` at the end."""

    def __init__(
        self,
        name: str,
        folder: Path,
        database_url: str | None = None,
        redis_url: str | None = None,
        **settings: str,
    ) -> None:
        self.name = name
        self.port = free_port()
        self.redis_url = redis_url
        self.sqlite = folder / f"{name}.db" if database_url is None else None
        self.prefix = f"test-fediverse-{uuid.uuid4().hex[:12]}-{name}:"
        self.log = folder / f"{name}.log"
        self.worker_log = folder / f"{name}-worker.log"
        self.process: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.env = production_env(
            self.sqlite or folder / "unused.db",
            SECRET_KEY=uuid.uuid4().hex + uuid.uuid4().hex,
            SERVER_NAME=self.host,
            # Development mode: the only one where the three ALLOW settings are allowed.
            FLASK_DEBUG="1",
            ACTIVITYPUB_ALLOW_HTTP="1",
            FEDERATION_ALLOW_HTTP="1",
            FEDERATION_ALLOW_PRIVATE_ADDRESSES="1",
            PUBLIC_TIMELINE="1",
            NEW_SIGN_IN_EMAIL="0",
            RATELIMIT_STORAGE_URI="memory://",
            MEDIA_FOLDER=str(folder / f"{name}-media"),
            FEDERATION_QUEUE_PREFIX=self.prefix,
            TASKS_QUEUE=f"{self.prefix}tasks",
            GUNICORN_ACCESS_LOG="-",
            **settings,
        )
        if database_url is not None:
            self.env["DATABASE_URL"] = database_url
        if redis_url is not None:
            self.env["REDIS_URL"] = redis_url

    @property
    def host(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.env["DATABASE_URL"], poolclass=NullPool)

    def add_users(self, names: tuple[str, ...]) -> None:
        """Confirmed accounts `names`, all with PASSWORD (written before the site serves)."""
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": self.env["DATABASE_URL"]})
        with app.app_context():
            for name in names:
                user = User(username=name, email=f"{name}@example.com", confirmed_at=utcnow())
                user.set_password(PASSWORD)
                db.session.add(user)
            db.session.commit()
            db.engine.dispose()

    def start(self) -> None:
        """Serve and, with Redis, work the delivery queues. One gunicorn worker of four
        threads: a site answers the other's requests while one of its own waits on it, and
        it boots once, not once a worker."""
        command = ["gunicorn", "--no-control-socket", "-k", "gthread", "--threads", "4"]
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(
                [str(BIN / command[0]), *command[1:], "-w", "1", "-b", self.host, "microblog:app"],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a group of its own: stop() ends its worker with it
            )
        if self.redis_url is not None:
            with open(self.worker_log, "ab") as output:
                self.worker = subprocess.Popen(
                    [str(BIN / "flask"), "federation", "worker"],
                    cwd=ROOT,
                    env=self.env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        try:
            wait_for_port(self.port, self.process, timeout=90)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{log_tail(self.log)}") from None

    def stop(self) -> None:
        """Down at once, as a server that crashes: what it committed stays, and a delivery
        it had not made yet is lost unless Redis keeps it."""
        for process in (self.process, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        self.process = self.worker = None

    def close(self) -> None:
        """Stopped, and its keys gone from Redis."""
        self.stop()
        if self.redis_url is None:
            return
        from redis import Redis

        with Redis.from_url(self.redis_url) as connection:
            for key in connection.scan_iter(match=f"*{self.prefix}*"):
                connection.delete(key)
            for name in connection.smembers("rq:queues"):
                if self.prefix.encode() in name:
                    connection.srem("rq:queues", name)

    def retries_for(self, other: Instance) -> int:
        """The deliveries to `other` that failed and wait in Redis to be tried again."""
        from redis import Redis
        from rq.registry import ScheduledJobRegistry

        assert self.redis_url is not None
        with Redis.from_url(self.redis_url) as connection:
            queue = f"{self.prefix}{other.host}"
            return ScheduledJobRegistry(queue, connection=connection).count

    def logs(self) -> str:
        return f"--- {self.name} ---\n{log_tail(self.log)}\n{log_tail(self.worker_log, 20)}"

    def browser(self, username: str) -> Browser:
        """A visitor logged in as `username`."""
        browser = Browser(self, username)
        response = browser.post("/auth/login", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text[:500]
        return browser

    def api(self, username: str) -> Api:
        return Api(self, username)

    def actor(self, username: str) -> str:
        return f"{self.url}/users/{username}"

    def post_uri(self, id: int) -> str:
        return f"{self.url}/post/{id}"

    def private_key(self, username: str) -> str:
        """The key the site signs `username`'s deliveries with (read from its database, once
        their actor is served: it is made then)."""
        actor = requests.get(
            self.actor(username), headers={"Accept": "application/activity+json"}, timeout=60
        )
        assert actor.status_code == 200, actor.text
        query = sa.text(
            'SELECT k.private_key_pem FROM actor_key k JOIN "user" u ON u.id = k.user_id '
            "WHERE u.username = :name ORDER BY k.id DESC"
        )
        engine = self.engine()
        try:
            with engine.connect() as connection:
                return connection.execute(query, {"name": username}).scalars().first()
        finally:
            engine.dispose()

    def deliver(
        self,
        inbox: str,
        body: bytes,
        username: str,
        key: str | None = None,
        to: str | None = None,
        **changes: Any,
    ) -> requests.Response:
        """POST `body` to `inbox` signed as this site signs for `username` (with `key`
        instead of theirs, if given), and sent `to` another address if given; `changes`
        replaces headers after signing, or with `now`, dates the signature."""
        now: datetime | None = changes.pop("now", None)
        key_id = f"{self.actor(username)}#main-key"
        key = key or self.private_key(username)
        headers = sign_request("POST", inbox, ACTIVITY_JSON, body, key_id, key, now=now)
        return requests.post(to or inbox, data=body, headers=headers | changes, timeout=60)


def start_sites(*sites: Instance, template: Path, users: dict[str, tuple[str, ...]]) -> None:
    """Give each site its database (a copy of the migrated SQLite `template`, or a server
    database migrated now), its users, and serve."""
    for site in sites:
        if site.sqlite is not None:
            shutil.copyfile(template, site.sqlite)
        else:
            migrated(site.env["DATABASE_URL"])
        site.add_users(users[site.name])
        site.start()
