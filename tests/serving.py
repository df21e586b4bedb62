"""The app as production runs it: gunicorn (gunicorn.conf.py) on a migrated SQLite file."""

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.system.harness import BIN, HOST, ROOT, free_port, log_tail, stop_process, wait_for_port

STRONG_KEY = "a-test-secret-key-of-at-least-32-characters"


def production_env(database: Path, **settings: str) -> dict[str, str]:
    """The environment of a production instance: a strong key, a SERVER_NAME, cheap hashes."""
    env = {
        **os.environ,
        "FLASK_APP": "microblog.py",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": STRONG_KEY,
        "PREFERRED_URL_SCHEME": "http",
        "LOG_TO_STDOUT": "1",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "8",
        "ARGON2_PARALLELISM": "1",
        **settings,
    }
    for name in ("FLASK_DEBUG", "GUNICORN_BIND", "GUNICORN_WORKERS", "MAIL_SERVER"):
        env.pop(name, None)
    return env


def flask(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@contextmanager
def gunicorn(tmp_path: Path, workers: int = 2, **settings: str) -> Iterator[str]:
    """Serve the app on a fresh, migrated SQLite database; yield its base URL."""
    port = free_port()
    env = production_env(tmp_path / "app.db", SERVER_NAME=f"{HOST}:{port}", **settings)
    upgrade = flask(["db", "upgrade"], env)
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    log = tmp_path / "gunicorn.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"{HOST}:{port}", "microblog:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        try:
            wait_for_port(port, process, timeout=90)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{log_tail(log)}") from None
        yield f"http://{HOST}:{port}"
    finally:
        stop_process(process)
