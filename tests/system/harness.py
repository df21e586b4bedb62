"""The production path on one machine, on 127.0.0.1 only: a private PostgreSQL and Redis,
an SMTP sink (aiosmtpd), two gunicorn instances of the app and nginx in front of them.

Used by tests/system and by benchmarks/system.py. Every process is started here and
stopped here, each stop bounded in time.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from tests.mailbox import Inbox

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Unavailable(RuntimeError):
    """A program the stack needs is missing; the tests skip with this reason."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists() and (folder / "postgres").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def nginx_bin(install: bool = True) -> str | None:
    """nginx, installed from the Debian package when missing and we are root."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found or not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install_cmd = ["apt-get", "install", "-y", "-qq", "nginx-light"]
    if subprocess.run(install_cmd, env=env, capture_output=True, timeout=300).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
        subprocess.run(install_cmd, env=env, capture_output=True, timeout=300)
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def missing_programs() -> str | None:
    """Why the stack cannot start here, or None."""
    if postgres_bin() is None:
        return "PostgreSQL server binaries (initdb, postgres) are not installed"
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    if nginx_bin() is None:
        return "nginx is not installed (and could not be installed with apt-get)"
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        return "aiosmtpd is not installed (pip install -r requirements-test.txt)"
    return None


def stop_process(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout=15) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{process.args[0]} did not listen on {port} within {timeout}s")


def log_tail(path: Path, lines: int = 60) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Instance:
    name: str
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the children of this instance's master process."""
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class Stack:
    """Start with `with Stack(...) as stack:`; `settings` add to the app's environment."""

    settings: dict[str, str] = field(default_factory=dict)
    gunicorn_args: list[str] = field(default_factory=list)
    workers: int = 2

    def __post_init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="microblog-system-"))
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.nginx_port = free_port()
        self.pg_process: subprocess.Popen | None = None
        self.redis_process: subprocess.Popen | None = None
        self.nginx_process: subprocess.Popen | None = None
        self.worker_process: subprocess.Popen | None = None
        self.worker_log = self.dir / "worker.log"
        self.smtp_controller = None
        self.inbox = Inbox()
        self.smtp_port = free_port()
        self.instances = [
            Instance("a", free_port(), self.dir / "app-a.log"),
            Instance("b", free_port(), self.dir / "app-b.log"),
        ]
        self.secret_key = uuid.uuid4().hex + uuid.uuid4().hex
        self.database = "microblog"
        self._as_postgres: dict = {}

    # -- the whole stack -------------------------------------------------------------------

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        reason = missing_programs()
        if reason:
            raise Unavailable(reason)
        self.init_postgres()
        self.start_postgres()
        self.create_database()
        self.start_redis()
        self.start_smtp()
        self.migrate()
        self.build_static()
        for instance in self.instances:
            self.start_instance(instance)
        self.start_worker()
        self.start_nginx()

    def stop(self) -> None:
        stop_process(self.nginx_process, signal.SIGQUIT)
        for instance in self.instances:
            stop_process(instance.process)
        stop_process(self.worker_process)
        self.stop_smtp()
        self.stop_redis()
        self.stop_postgres()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        """The site, through nginx."""
        return f"http://{HOST}:{self.nginx_port}"

    @property
    def database_url(self) -> str:
        return f"postgresql+psycopg://postgres@{HOST}:{self.pg_port}/{self.database}"

    def app_env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "FLASK_APP": "microblog.py",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://{HOST}:{self.redis_port}/0",
            "MAIL_SERVER": HOST,
            "MAIL_PORT": str(self.smtp_port),
            "MAIL_TIMEOUT": "5",
            "SECRET_KEY": self.secret_key,
            # The site is nginx's address: emailed links point there, whichever instance
            # sends them (the instances' own ports share its host, so they are answered too).
            "SERVER_NAME": f"{HOST}:{self.nginx_port}",
            "PREFERRED_URL_SCHEME": "http",
            "TRUSTED_PROXIES": "1",
            "LOG_TO_STDOUT": "1",
            # The production hash cost would make sign-up and login the whole benchmark.
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_COST": "8192",
            "ARGON2_PARALLELISM": "1",
            "DATABASE_WAIT_SECONDS": "30",
            # Mail the SMTP server refused is tried again soon, not minutes later.
            "MAIL_RETRY_INTERVALS": "1,2,4",
            "STATIC_BUILD_DIR": str(self.dir / "static-build"),
            **self.settings,
        }
        for name in ("FLASK_DEBUG", "RATELIMIT_STORAGE_URI", "GUNICORN_BIND", "GUNICORN_WORKERS"):
            env.pop(name, None)
        return env

    # -- PostgreSQL --------------------------------------------------------------------------

    def init_postgres(self) -> None:
        self.pg_data = self.dir / "pg"
        self.pg_socket = self.dir / "pg-socket"
        self.pg_socket.mkdir()
        self.pg_log = self.dir / "postgres.log"
        if os.geteuid() == 0:
            # initdb refuses root: run the cluster as the postgres user, in folders it owns.
            os.chmod(self.dir, 0o755)
            for path in (self.dir, self.pg_socket):
                shutil.chown(path, "postgres", "postgres")
            self._as_postgres = {"user": "postgres", "group": "postgres", "extra_groups": []}
        done = subprocess.run(
            [
                str(postgres_bin() / "initdb"),
                "-D",
                str(self.pg_data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            **self._as_postgres,
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}{done.stderr}")

    def start_postgres(self) -> None:
        with open(self.pg_log, "ab") as log:
            self.pg_process = subprocess.Popen(
                [
                    str(postgres_bin() / "postgres"),
                    "-D",
                    str(self.pg_data),
                    "-p",
                    str(self.pg_port),
                    "-k",
                    str(self.pg_socket),
                    "-c",
                    f"listen_addresses={HOST}",
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=100",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                **self._as_postgres,
            )
        self._wait_for_postgres()

    def _wait_for_postgres(self, timeout: float = 30) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(
                    host=HOST, port=self.pg_port, user="postgres", dbname="postgres"
                ).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline or self.pg_process.poll() is not None:
                    raise RuntimeError(
                        "PostgreSQL did not start:\n" + log_tail(self.pg_log)
                    ) from None
                time.sleep(0.1)

    def stop_postgres(self) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown: sessions are cut, nothing is lost.
        stop_process(self.pg_process, signal.SIGINT, timeout=30)

    def restart_postgres(self, down_seconds: float = 0) -> None:
        self.stop_postgres()
        time.sleep(down_seconds)
        self.start_postgres()

    def create_database(self) -> None:
        with self.pg_connect("postgres") as connection:
            connection.autocommit = True
            connection.execute(f'CREATE DATABASE "{self.database}"')

    def pg_connect(self, dbname: str | None = None):
        import psycopg

        return psycopg.connect(
            host=HOST, port=self.pg_port, user="postgres", dbname=dbname or self.database
        )

    def query(self, sql: str, *params) -> list[tuple]:
        with self.pg_connect() as connection:
            return connection.execute(sql, params).fetchall()

    # -- Redis and SMTP ----------------------------------------------------------------------

    def start_redis(self) -> None:
        with open(self.dir / "redis.log", "ab") as log:
            self.redis_process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.redis_port),
                    "--bind",
                    HOST,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.dir),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.redis_port, self.redis_process)
        if self.worker_process is not None:
            # The RQ worker exits when it finds Redis gone (sooner or later: it may still be
            # retrying now); systemd's Restart=on-failure brings it back in production
            # (deployment/microblog-worker.service). Here: a fresh worker at once.
            stop_process(self.worker_process)
            self.start_worker()

    def stop_redis(self) -> None:
        stop_process(self.redis_process)

    def start_smtp(self) -> None:
        from aiosmtpd.controller import Controller

        self.smtp_controller = Controller(self.inbox, hostname=HOST, port=self.smtp_port)
        self.smtp_controller.start()

    def stop_smtp(self) -> None:
        if self.smtp_controller is not None:
            self.smtp_controller.stop()
            self.smtp_controller = None

    # -- the app and nginx -------------------------------------------------------------------

    def migrate(self) -> None:
        """`flask db upgrade` from both instances at once, as two hosts deploying together."""
        env = self.app_env()
        runs = [
            subprocess.Popen(
                [str(BIN / "flask"), "db", "upgrade"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in self.instances
        ]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        for run, output in zip(runs, outputs, strict=True):
            if run.returncode != 0:
                raise RuntimeError(f"flask db upgrade failed:\n{output}")
        self.migrate_outputs = outputs

    def build_static(self) -> None:
        """`flask static build`, as a deploy runs it before the instances start."""
        subprocess.run(
            [str(BIN / "flask"), "static", "build"],
            cwd=ROOT,
            env=self.app_env(),
            capture_output=True,
            check=True,
            timeout=120,
        )

    def spawn_app_process(self, command: list[str], log_path: Path) -> subprocess.Popen:
        """A process of the app (web instance or worker), with its output appended to a log."""
        with open(log_path, "ab") as log:
            return subprocess.Popen(
                command, cwd=ROOT, env=self.app_env(), stdout=log, stderr=subprocess.STDOUT
            )

    def start_instance(self, instance: Instance) -> None:
        instance.process = self.spawn_app_process(
            [
                str(BIN / "gunicorn"),
                "-w",
                str(self.workers),
                "-b",
                f"{HOST}:{instance.port}",
                *self.gunicorn_args,
                "microblog:app",
            ],
            instance.log,
        )
        try:
            wait_for_port(instance.port, instance.process)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{log_tail(instance.log)}") from None

    def start_worker(self) -> None:
        """The RQ worker that sends mail (and runs exports), as deployment/ runs it."""
        self.worker_process = self.spawn_app_process(
            [
                str(BIN / "rq"),
                "worker",
                "--worker-class",
                "app.worker.AppWorker",
                "--with-scheduler",
                "--url",
                f"redis://{HOST}:{self.redis_port}/0",
                "microblog-tasks",
            ],
            self.worker_log,
        )

    def app_log(self) -> str:
        logs = [instance.log for instance in self.instances] + [self.worker_log]
        return "\n".join(path.read_text(errors="replace") for path in logs if path.exists())

    def worker_pids(self) -> list[int]:
        return [pid for instance in self.instances for pid in instance.worker_pids()]

    def nginx_config(self) -> str:
        upstreams = "\n".join(f"        server {HOST}:{i.port};" for i in self.instances)
        temp = self.dir / "nginx-temp"
        user = "user root root;" if os.geteuid() == 0 else ""
        return f"""
{user}
worker_processes 2;
daemon off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    client_max_body_size 1m;

    map $uri $static_cache_control {{
        "~\\.[0-9a-f]{{12}}\\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
        default "public, max-age=60";
    }}

    upstream microblog {{
{upstreams}
        keepalive 16;
    }}

    # As in deployment/nginx-microblog.conf: a Host that is not the site's gets no answer.
    server {{
        listen {HOST}:{self.nginx_port} default_server;
        server_name _;
        return 444;
    }}

    server {{
        listen {HOST}:{self.nginx_port};
        server_name {HOST};

        # As in deployment/nginx-microblog.conf (without TLS).
        location /static/ {{
            alias {self.dir / "static-build"}/;
            gzip_static on;
            gzip_vary on;
            add_header Cache-Control $static_cache_control always;
            add_header X-Content-Type-Options nosniff always;
        }}
        location / {{
            proxy_pass http://microblog;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-Port $server_port;
            proxy_redirect off;
        }}
    }}
}}
"""

    def start_nginx(self) -> None:
        (self.dir / "nginx-temp").mkdir(exist_ok=True)
        config = self.dir / "nginx.conf"
        config.write_text(self.nginx_config())
        with open(self.dir / "nginx.log", "ab") as log:
            self.nginx_process = subprocess.Popen(
                [
                    nginx_bin(),
                    "-c",
                    str(config),
                    "-p",
                    str(self.dir),
                    "-e",
                    str(self.dir / "nginx-error.log"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(self.nginx_port, self.nginx_process)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{log_tail(self.dir / 'nginx-error.log')}") from None
        self.wait_until_serving()

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/auth/login", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(
            "the site did not answer through nginx:\n" + log_tail(self.instances[0].log)
        )


# -- clients -----------------------------------------------------------------------------------


class SourceAddressAdapter(HTTPAdapter):
    """Connect from a chosen loopback address, so nginx (and then the app, through
    X-Forwarded-For) sees each simulated client as a different machine."""

    def __init__(self, source: str, **kwargs) -> None:
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        return super().init_poolmanager(*args, **kwargs)


_next_address = iter(range(2, 250 * 250))
_address_lock = threading.Lock()


def new_client_address() -> str:
    """A loopback address (127.0.x.y) no other client of this process has used."""
    with _address_lock:
        number = next(_next_address)
    return f"127.{(os.getpid() % 200) + 20}.{number // 250}.{number % 250 + 1}"


class Client:
    """A browser-like visitor: a cookie jar, one source address, CSRF tokens read off forms."""

    def __init__(self, base_url: str, source: str | None = None, timeout: float = 15) -> None:
        self.base_url = base_url
        self.source = source or new_client_address()
        self.session = requests.Session()
        adapter = SourceAddressAdapter(self.source)
        self.session.mount("http://", adapter)
        self.timeout = timeout

    def get(self, path: str, base: str | None = None, **kwargs) -> requests.Response:
        return self.session.get(
            (base or self.base_url) + path, allow_redirects=False, timeout=self.timeout, **kwargs
        )

    def post(self, path: str, data: dict, base: str | None = None, form: str | None = None):
        """Submit the form on `form` (default: the same path), with its CSRF token."""
        page = self.get(form or path, base=base)
        if page.status_code != 200:
            return page
        match = CSRF_RE.search(page.text)
        data = {"csrf_token": match.group(1) if match else "", **data}
        return self.session.post(
            (base or self.base_url) + path, data=data, allow_redirects=False, timeout=self.timeout
        )

    def register(self, username: str, password: str = PASSWORD, base: str | None = None):
        return self.post(
            "/auth/register",
            {
                "username": username,
                "email": f"{username}@example.com",
                "password": password,
                "password2": password,
            },
            base=base,
        )

    def confirm(self, inbox: Inbox, username: str, timeout: float = 60) -> requests.Response:
        """Follow the link of the welcome email: only a confirmed account posts or follows."""
        message = inbox.wait_for(f"{username}@example.com", "[Microblog]", timeout=timeout)
        body = message.get_body(("plain",)).get_content()
        return self.get(re.search(r"https?://[^/\s]+(/auth/confirm/[\w.-]+)", body).group(1))

    def login(self, username: str, password: str = PASSWORD, base: str | None = None):
        return self.post("/auth/login", {"username": username, "password": password}, base=base)

    def close(self) -> None:
        self.session.close()
