"""The commands a reader of the book types, verbatim, in a fresh copy of the project with no
SECRET_KEY, no SERVER_NAME and no .env: the README's manual path and the migrations chapter
(change a model, `flask db migrate -m`, `upgrade`, `downgrade`, `check`)."""

import signal
import subprocess
from pathlib import Path

import pytest
import requests
from babel.messages.pofile import read_po

from tests.project_copy import copy_project, flask, reader_env, untracked
from tests.system.harness import HOST, ROOT, free_port, stop_process, wait_for_port
from tests.test_translations import LANGUAGES, catalog_folder, load_catalog, problems

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


def test_translation_commands_start_a_language_and_keep_the_others_whole(fresh_copy):
    flask(fresh_copy, "translate", "init", "fr")
    with (fresh_copy / "app/translations/fr/LC_MESSAGES/messages.po").open("rb") as po:
        french = read_po(po)
    assert french.get("Sign in").string == "" and len(french) > 50

    flask(fresh_copy, "translate", "update")
    translations = fresh_copy / "app" / "translations"
    for language in LANGUAGES:
        assert problems(load_catalog(language, translations), language) == [], language

    flask(fresh_copy, "translate", "compile")
    for language in [*LANGUAGES, "fr"]:
        assert (catalog_folder(language, translations) / "messages.mo").exists()
    assert untracked(fresh_copy) == ["?? app/translations/fr/LC_MESSAGES/messages.po"]


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


def test_the_other_commands_sign_nothing_and_need_no_secret_key(fresh_copy):
    flask(fresh_copy, "db", "upgrade")
    assert "main.index" in flask(fresh_copy, "routes").stdout
    flask(
        fresh_copy,
        "seed",
        "--users",
        "3",
        "--posts",
        "12",
        "--follows",
        "2",
        "--password",
        "long enough pw",
    )
    assert "search index" in flask(fresh_copy, "search", "reindex").stdout
    # The book's shell session: its names are there, and the data is the seed's.
    statements = "print(db.session.scalar(sa.select(sa.func.count(Post.id))), User, Task)\n"
    shell = subprocess.run(
        ["flask", "shell"],
        cwd=fresh_copy,
        env=reader_env(),
        input=statements,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert shell.returncode == 0, shell.stderr
    assert "12 <class 'app.models.user.User'> <class 'app.models.task.Task'>" in shell.stdout


@pytest.mark.parametrize(
    "args",
    [["db", "upgrade"], ["db", "downgrade"], ["search", "reindex"], ["accounts", "prune"]],
)
def test_a_database_that_cannot_open_fails_in_one_line(tmp_path, args):
    env = {**reader_env(), "DATABASE_URL": f"sqlite:///{tmp_path}/missing/app.db"}
    env["DATABASE_WAIT_SECONDS"] = "0"
    done = subprocess.run(
        ["flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Error: The database failed: unable to open database file" in done.stderr
