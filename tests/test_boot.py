"""boot.sh, the container's and the Heroku dyno's start command, run for real on the files the
Dockerfile copies: it retries `flask db upgrade` while the database is down, then migrates,
compiles the translations and becomes gunicorn; or it gives up, after the retries, in one line."""

import asyncio
import contextlib
import os
import queue
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.databases import script_directory, server_database
from tests.serving import production_env
from tests.system.harness import BIN, HOST, ROOT, free_port

pytestmark = pytest.mark.xdist_group("gunicorn")

RETRY = "retrying in"
# A bound for a run that went wrong, never a measure of how fast a right one is.
PATIENCE = 180


def image_files(copy: Path) -> Path:
    """Copy what the Dockerfile's COPY lines name into `copy`, without compiled translations
    (a clone or an image has none until boot.sh compiles them)."""
    skip = shutil.ignore_patterns("__pycache__", "*.mo")
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not line.startswith("COPY "):
            continue
        for name in line.split()[1:-1]:
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, copy / name, ignore=skip)
            else:
                copy.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, copy / name)
    return copy


class Boot:
    """boot.sh in a process group of its own, its output read line by line as it comes."""

    def __init__(self, copy: Path, env: dict[str, str]) -> None:
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            [str(copy / "boot.sh")],
            cwd="/",  # boot.sh finds its folder itself
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, text: str) -> str:
        """The next line of output containing `text`; fails if the output ends first."""
        while True:
            try:
                line = self._lines.get(timeout=PATIENCE)
            except queue.Empty:
                pytest.fail(f"no line with {text!r} yet:\n{''.join(self.output)}")
            if line is None:
                pytest.fail(f"boot.sh ended without {text!r}:\n{''.join(self.output)}")
            self.output.append(line)
            if text in line:
                return line

    def finish(self) -> int:
        """Read to the end of the output; the exit status."""
        while (line := self._lines.get(timeout=PATIENCE)) is not None:
            self.output.append(line)
        return self.process.wait(timeout=PATIENCE)

    def stop(self) -> None:
        """SIGTERM the group (gunicorn stops gracefully; a waiting boot.sh just ends), then
        SIGKILL whatever is left of it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        # The pipe ends once no process of the group holds it.
        self._reader.join(timeout=PATIENCE)
        self.process.stdout.close()


class Forwarder:
    """A local TCP port forwarding every connection to `target`: the database coming up."""

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.port, self.target = port, target
        self._ready = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _connect(self, reader, writer) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        server = await asyncio.start_server(self._connect, HOST, self.port)
        self._ready.set()
        await self._stopping.wait()
        server.close()  # asyncio.run then cancels the connections still open

    def __enter__(self) -> "Forwarder":
        self._thread.start()
        assert self._ready.wait(timeout=PATIENCE), "the forwarder did not start"
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=PATIENCE)


def boot_env(database_url: str, port: int, **settings: str) -> dict[str, str]:
    """A container's environment: production settings, the venv's programs on PATH."""
    env = production_env(Path(), DATABASE_URL=database_url)
    for name in ("REDIS_URL", "DATABASE_WAIT_SECONDS", "PORT", "FLASK_APP"):
        env.pop(name, None)
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    env.update(
        SERVER_NAME=f"{HOST}:{port}",
        GUNICORN_BIND=f"{HOST}:{port}",
        GUNICORN_WORKERS="1",
        # Patient enough to outlast the wait for a retry line; quick between tries.
        BOOT_DB_RETRIES="1000",
        BOOT_DB_DELAY="0.2",
    )
    env.update(settings)
    return env


def head_revision(database_url: str) -> str | None:
    engine = sa.create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()


def assert_booted(boot: Boot, port: int, database_url: str) -> None:
    """boot.sh retried, then migrated, compiled the translations and serves through gunicorn."""
    boot.wait_for("Listening at")
    assert head_revision(database_url) == script_directory().get_current_head()
    page = requests.get(
        f"http://{HOST}:{port}/auth/login", headers={"Accept-Language": "zh-CN"}, timeout=60
    )
    assert page.status_code == 200
    assert "<h1>登录</h1>" in page.text


def test_boot_waits_for_a_sqlite_folder_then_serves(tmp_path):
    copy = image_files(tmp_path / "image")
    data = tmp_path / "data"  # missing: SQLite cannot open the database yet
    database_url = f"sqlite:///{data / 'app.db'}"
    port = free_port()
    boot = Boot(copy, boot_env(database_url, port))
    try:
        boot.wait_for(RETRY)
        data.mkdir()
        assert_booted(boot, port, database_url)
    finally:
        boot.stop()
    assert "unable to open database file" in "".join(boot.output)


@pytest.mark.postgres
def test_boot_waits_for_postgresql_then_serves(tmp_path):
    with server_database("postgres") as server_url:
        server = make_url(server_url)
        proxy_port, port = free_port(), free_port()
        database_url = server.set(host=HOST, port=proxy_port).render_as_string(False)
        copy = image_files(tmp_path / "image")
        boot = Boot(copy, boot_env(database_url, port))
        try:
            line = boot.wait_for(RETRY)
            assert "attempt 1 of 1000" in line
            with Forwarder(proxy_port, (server.host, server.port or 5432)):
                assert_booted(boot, port, database_url)
                boot.stop()
        finally:
            boot.stop()
    assert "Connection refused" in "".join(boot.output)


def test_boot_gives_up_when_the_database_never_comes_up(tmp_path):
    copy = image_files(tmp_path / "image")
    # Nothing listens on this port; no PostgreSQL server is needed to be refused.
    database_url = f"postgresql://microblog@{HOST}:{free_port()}/microblog"
    port = free_port()
    boot = Boot(copy, boot_env(database_url, port, BOOT_DB_RETRIES="3", BOOT_DB_DELAY="0"))
    try:
        status = boot.finish()
    finally:
        boot.stop()
    output = "".join(boot.output)
    assert status == 1
    assert output.count(RETRY) == 2
    assert output.count("Error: The database failed:") == 3
    assert "boot.sh: flask db upgrade failed 3 times; giving up" in output
    assert "Traceback" not in output
    # It went no further: no translations compiled, no gunicorn.
    assert list(copy.glob("app/translations/*/*/*.mo")) == []
    assert "Listening at" not in output
