"""The app as production runs it: gunicorn (gunicorn.conf.py) on a migrated SQLite file."""

import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.system.harness import BIN, HOST, ROOT, free_port, log_tail, stop_process, wait_for_port

STRONG_KEY = "a-test-secret-key-of-at-least-32-characters"


def production_env(database: Path, **settings: str) -> dict[str, str]:
    """The environment of a production instance: a strong key, a SERVER_NAME, cheap hashes."""
    env = dict(os.environ)
    # The developer's own settings stay out; the caller's `settings` may set them.
    for name in ("FLASK_DEBUG", "GUNICORN_BIND", "GUNICORN_WORKERS", "MAIL_SERVER", "REDIS_URL"):
        env.pop(name, None)
    env |= {
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
    return env


def flask(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@contextmanager
def gunicorn(
    tmp_path: Path,
    workers: int = 2,
    prepare: Callable[[str], None] | None = None,
    **settings: str,
) -> Iterator[str]:
    """Serve the app on a fresh, migrated SQLite database; yield its base URL.

    `prepare`, given the database URL, fills the database before gunicorn starts.
    """
    env = production_env(tmp_path / "app.db", **settings)
    upgrade = flask(["db", "upgrade"], env)
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    if prepare is not None:
        prepare(env["DATABASE_URL"])
    log = tmp_path / "gunicorn.log"
    # Another process may take the free port before gunicorn binds it: try a few.
    for _attempt in range(3):
        port = free_port()
        env["SERVER_NAME"] = f"{HOST}:{port}"
        command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"{HOST}:{port}"]
        with open(log, "ab") as output:
            process = subprocess.Popen(
                [*command, "microblog:app"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(port, process, timeout=90)
            break
        except RuntimeError as error:
            stop_process(process)
            failure = error
    else:
        raise RuntimeError(f"{failure}\n{log_tail(log)}")
    try:
        yield f"http://{HOST}:{port}"
    finally:
        stop_process(process)
