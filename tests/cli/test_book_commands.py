"""The commands a reader of the book types, verbatim, in a fresh copy of the project with no
SECRET_KEY, no SERVER_NAME and no .env: the README's manual path and the migrations chapter
(change a model, `flask db migrate -m`, `upgrade`, `downgrade`, `check`)."""

import signal
import subprocess
from pathlib import Path

import pytest
import requests

from tests.project_copy import copy_project, flask, reader_env, untracked
from tests.system.harness import HOST, ROOT, free_port, stop_process, wait_for_port

# The book's chapter 4 adds a column like this one to a model, then migrates.
NEW_COLUMN = "    mood: Mapped[str | None] = mapped_column(String(20))\n"


@pytest.fixture
def fresh_copy(tmp_path) -> Path:
    return copy_project(tmp_path)


def test_readme_manual_path(fresh_copy):
    flask(fresh_copy, "translate", "compile")
    flask(fresh_copy, "--debug", "db", "upgrade")
    port = free_port()
    server = subprocess.Popen(
        ["flask", "--debug", "run", "--port", str(port), "--no-reload"],
        cwd=fresh_copy,
        env=reader_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server, timeout=90)
        assert requests.get(f"http://{HOST}:{port}/auth/login", timeout=30).status_code == 200
    finally:
        stop_process(server, signal.SIGINT)
    assert untracked(fresh_copy) == []


def test_migrations_chapter(fresh_copy):
    flask(fresh_copy, "db", "upgrade")
    assert "No new upgrade operations detected" in flask(fresh_copy, "db", "check").stdout

    model = fresh_copy / "app" / "models" / "post.py"
    source = model.read_text()
    anchor = "    language: Mapped[str | None] = mapped_column(String(5))\n"
    model.write_text(source.replace(anchor, anchor + NEW_COLUMN))
    flask(fresh_copy, "db", "migrate", "-m", "post mood")
    [revision] = [line for line in untracked(fresh_copy) if "migrations/versions" in line]
    assert "post_mood" in revision

    flask(fresh_copy, "db", "upgrade")
    assert "No new upgrade operations detected" in flask(fresh_copy, "db", "check").stdout
    flask(fresh_copy, "db", "downgrade")
    # The book's way back: step down, then remove the revision and the model change.
    (fresh_copy / revision.split()[-1]).unlink()
    model.write_text(source)
    assert "No new upgrade operations detected" in flask(fresh_copy, "db", "check").stdout
    assert [line for line in untracked(fresh_copy) if "versions" not in line] == []


@pytest.mark.parametrize("args", [["db", "upgrade"], ["db", "downgrade"], ["search", "reindex"]])
def test_a_database_that_cannot_open_fails_in_one_line(tmp_path, args):
    env = {**reader_env(), "DATABASE_URL": f"sqlite:///{tmp_path}/missing/app.db"}
    env["DATABASE_WAIT_SECONDS"] = "0"
    done = subprocess.run(
        ["flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Error: The database failed: unable to open database file" in done.stderr
