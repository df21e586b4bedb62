"""Two instances of the app that federate with each other on 127.0.0.1, for the two-instance
system tests (tests/system/test_fediverse*.py): each is gunicorn on a port of its own with a
database of its own (a SQLite file, or one on TEST_POSTGRES_URL's server), in development
mode (FLASK_DEBUG), the only one that allows the settings letting it reach 127.0.0.1 over
plain http.

Each delivers either from its own threads or, given a Redis URL, through RQ with a worker
of its own (`flask federation worker`) on queues of its own. An instance stops and starts
again on the same port and database, so its ids (http://127.0.0.1:PORT/users/...) stay valid.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
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
from tests.system.harness import (
    BIN,
    HOST,
    ROOT,
    Client,
    free_port,
    log_tail,
    wait_for_port,
)

PASSWORD = "correct horse battery"
# Generous for a loaded machine: the tests wait for an arrival, never for a duration.
DEADLINE = 60
ACTIVITY_JSON = {"Content-Type": "application/activity+json"}
# A request on the Follow requests page: its row, the asker's name, then its Accept button.
FOLLOW_REQUEST = re.compile(
    r'border-bottom py-2">\s*<a href="[^"]+">([^<]+)</a>.*?/follow-requests/(\d+)/accept', re.S
)


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


class Browser(Client):
    """A logged-in visitor of one site, at the pages people use."""

    def __init__(self, site: Instance, username: str) -> None:
        super().__init__(site.url, timeout=60)
        self.site = site
        self.username = username

    def find(self, handle: str) -> str:
        """Type `handle` in the search box: the address of their profile here."""
        response = self.get("/search", params={"q": handle})
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def button(self, path: str, page: str) -> requests.Response:
        """Press the button on `page` that POSTs to `path`."""
        response = self.post(path, {}, form=page)
        assert response.status_code == 302, (path, response.status_code, response.text[:500])
        return response

    def follow(self, username: str) -> requests.Response:
        return self.button(f"/follow/{username}", f"/user/{username}")

    def unfollow(self, username: str) -> requests.Response:
        return self.button(f"/unfollow/{username}", f"/user/{username}")

    def follow_requests(self) -> dict[str, int]:
        """Who asks to follow the user, on their Follow requests page: name -> request id."""
        page = self.get("/follow-requests").text
        return {name: int(id) for name, id in FOLLOW_REQUEST.findall(page)}

    def edit(self, post_id: int, body: str) -> None:
        response = self.post(f"/post/{post_id}/edit", {"post": body})
        assert response.status_code == 302, response.text[:500]

    def reply(self, post_id: int, body: str) -> int:
        """Answer the post from its page; the reply's id."""
        response = self.post(f"/post/{post_id}", {"post": body})
        assert response.status_code == 302, response.text[:500]
        return int(response.headers["Location"].rstrip("/").rpartition("/")[2])


class Api:
    """The site's JSON API, with a token of `username`'s."""

    def __init__(self, site: Instance, username: str) -> None:
        self.site = site
        self.session = requests.Session()
        response = self.session.post(
            f"{site.url}/api/tokens", auth=(username, PASSWORD), timeout=60
        )
        assert response.status_code == 201, response.text
        self.session.headers["Authorization"] = f"Bearer {response.json()['token']}"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, f"{self.site.url}/api{path}", timeout=60, **kwargs)

    def get(self, path: str) -> Any:
        response = self.call("GET", path)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()

    def user_id(self, username: str) -> int:
        users = self.get("/users?per_page=100")["items"]
        found = [user["id"] for user in users if user["username"] == username]
        assert found, f"no user {username} at {self.site.name}"
        return found[0]

    def names(self, path: str) -> list[str]:
        """The usernames of a list of users (followers, following, likes)."""
        return [user["username"] for user in self.get(path)["items"]]

    def bodies(self, path: str) -> list[str]:
        """The texts of a list of posts (a timeline, replies)."""
        return [post["body"] for post in self.get(path)["items"]]

    def write(self, body: str, in_reply_to: int | None = None) -> int:
        data: dict[str, Any] = {"body": body}
        if in_reply_to is not None:
            data["in_reply_to"] = in_reply_to
        response = self.call("POST", "/posts", json=data)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def change(self, method: str, path: str, **kwargs) -> None:
        response = self.call(method, path, **kwargs)
        assert response.status_code in (200, 204), (path, response.status_code, response.text)

    def post_with(self, body: str, path: str = "/timeline") -> dict | None:
        """The post of this text in a list of posts (the token user's timeline), if there."""
        found = [post for post in self.get(f"{path}?per_page=100")["items"] if post["body"] == body]
        return found[0] if found else None


def eventually(check: Callable[[], Any], *sites: Instance, deadline: float = DEADLINE) -> Any:
    """What `check` returns once it is truthy, asked again until `deadline` seconds have
    gone by (an activity crosses between the sites in the background)."""
    end = time.monotonic() + deadline
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > end:
            logs = "\n".join(site.logs() for site in sites)
            raise AssertionError(f"not so after {deadline}s: {check.__doc__ or check}\n{logs}")
        time.sleep(0.25)
