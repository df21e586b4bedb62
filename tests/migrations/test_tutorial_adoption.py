"""`flask db upgrade` adopts a database made by the tutorial's app, on SQLite, PostgreSQL and
MariaDB: its users log in with their old passwords and find their posts, follows and
messages; older tutorial revisions and names that are one to this app are refused, with the
database left as it was."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app import create_app
from app.extensions import db
from app.search.schema import include_name
from tests.conftest import TEST_CONFIG
from tests.databases import script_directory
from tests.migrations import tutorial

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def flask_db(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "FLASK_APP": "microblog.py",
        "DATABASE_URL": url,
        "SECRET_KEY": "tutorial-adoption-test",
        "DATABASE_WAIT_SECONDS": "0",
    }
    return subprocess.run(
        [FLASK, "db", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def rows(url: str, query: str) -> set[tuple]:
    engine = tutorial.engine(url)
    with engine.connect() as connection:
        found = {tuple(row) for row in connection.execute(sa.text(query))}
    engine.dispose()
    return found


def users(url: str, *columns: str) -> set[tuple]:
    # "user" is a reserved word, quoted differently by each database.
    user = sa.table("user", *(sa.column(column) for column in columns))
    engine = tutorial.engine(url)
    with engine.connect() as connection:
        found = {tuple(row) for row in connection.execute(sa.select(user))}
    engine.dispose()
    return found


@pytest.fixture
def adopted(database_url):
    tutorial.build(database_url)
    done = flask_db(database_url, "upgrade")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return database_url


def test_upgrade_adopts_the_tutorials_database(adopted):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": adopted})
    with app.app_context():
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert current == tuple(script_directory().get_heads())
    assert differences == []

    # Every row, names as this app stores them.
    assert users(adopted, "id", "username", "email") == {
        (1, "susan", "susan@example.com"),
        (2, "john", "john@example.com"),
        (3, "小红", "xiaohong@example.com"),
    }
    assert rows(adopted, "SELECT id, user_id, body, language FROM post") == {
        (i, a, b, lang) for i, a, b, lang, _ in tutorial.POSTS
    }
    assert rows(adopted, "SELECT follower_id, followed_id FROM followers") == set(tutorial.FOLLOWS)
    assert rows(adopted, "SELECT id, sender_id, recipient_id, body FROM message") == {
        (i, s, r, b) for i, s, r, b, _ in tutorial.MESSAGES
    }
    assert rows(adopted, "SELECT user_id, name, payload_json FROM notification") == {
        (1, "unread_message_count", "2")
    }
    assert rows(adopted, "SELECT user_id, progress FROM task") == {(1, 100), (2, 0)}

    # Susan logs in as she did, in any letter case, and finds what the tutorial's app showed.
    client = app.test_client()
    login = {"username": "SUSAN", "password": tutorial.PASSWORDS["Susan"]}
    assert client.post("/auth/login", data=login).status_code == 302
    timeline = client.get("/").text
    for body in ["Susan&#39;s first post", "John writes about tea", "今天天气很好"]:
        assert body in timeline
    assert "Hello Susan, from John" in client.get("/messages").text
    assert "Hola a todos" in client.get("/user/john").text
    # Her werkzeug hash is replaced by this app's at that login.
    hashes = dict(users(adopted, "username", "password_hash"))
    assert hashes["susan"].startswith("$argon2")
    assert hashes["john"].startswith("pbkdf2:sha256")

    # John's pbkdf2 hash logs in too; a new post gets an id after the copied ones.
    other = app.test_client()
    login = {"username": "john@example.com", "password": tutorial.PASSWORDS["john"]}
    assert other.post("/auth/login", data=login).status_code == 302
    assert other.post("/", data={"post": "After the move"}).status_code == 302
    assert rows(adopted, "SELECT id FROM post WHERE body = 'After the move'") == {(6,)}
    with app.app_context():
        db.engine.dispose()


def test_downgrade_base_after_adoption_leaves_what_ours_leaves(adopted):
    done = flask_db(adopted, "downgrade", "base")
    assert done.returncode == 0, done.stderr
    engine = tutorial.engine(adopted)
    assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()
    assert rows(adopted, "SELECT version_num FROM alembic_version") == set()
    assert flask_db(adopted, "upgrade").returncode == 0


@pytest.mark.parametrize("revision", [tutorial.OLDER[0], tutorial.OLDER[-1]])
def test_an_older_tutorial_revision_is_refused_untouched(database_url, revision):
    tutorial.build(database_url, revision=revision)
    before = tutorial.snapshot(database_url)
    done = flask_db(database_url, "upgrade")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"at its revision {revision}" in done.stderr
    assert f"only its last revision, {tutorial.HEAD}" in done.stderr
    assert "run the tutorial's own `flask db upgrade` on it first" in done.stderr
    assert tutorial.snapshot(database_url) == before


def test_names_that_are_one_here_are_reported_untouched(database_url):
    users = [
        *tutorial.USERS,
        # Fullwidth letters and the Kelvin sign: names MariaDB's collation keeps apart too.
        {"id": 4, "username": "Ｓｕｓａｎ", "email": "susan2@example.com", "method": "scrypt"},
        {"id": 5, "username": "kate", "email": "kate@example.com", "method": "scrypt"},
        {"id": 6, "username": "kate2", "email": "\u212aate@example.com", "method": "scrypt"},
    ]
    tutorial.build(database_url, users=users)
    before = tutorial.snapshot(database_url)
    done = flask_db(database_url, "upgrade")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Nothing was changed" in done.stderr
    assert "username 'Susan' (user 1) and 'Ｓｕｓａｎ' (user 4) are one username" in done.stderr
    assert "email 'kate@example.com' (user 5) and '\u212aate@example.com' (user 6)" in done.stderr
    assert tutorial.snapshot(database_url) == before


STOP_AT_0002 = {
    "sqlite": [
        "CREATE TRIGGER stop_adoption BEFORE UPDATE ON alembic_version"
        " BEGIN SELECT RAISE(ABORT, 'stopped by the test'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION stop_adoption() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RAISE EXCEPTION 'stopped by the test'; END $$",
        "CREATE TRIGGER stop_adoption BEFORE UPDATE ON alembic_version"
        " FOR EACH ROW EXECUTE FUNCTION stop_adoption()",
    ],
}


def test_a_failure_half_way_leaves_the_database_as_it_was(database_url):
    """SQLite and PostgreSQL adopt in one transaction. (MariaDB commits each DDL statement,
    which is why every row is checked before the first one.)"""
    tutorial.build(database_url)
    engine = tutorial.engine(database_url)
    statements = STOP_AT_0002.get(engine.dialect.name)
    if statements is None:
        engine.dispose()
        pytest.skip("MariaDB's DDL is not transactional")
    # A trigger of the reader's own, which fails when our migrations step from 0001 to 0002:
    # after the tutorial's tables were copied aside and dropped, and 0001 built ours.
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    engine.dispose()
    before = tutorial.snapshot(database_url)
    done = flask_db(database_url, "upgrade")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "stopped by the test" in done.stderr
    assert "Running upgrade 0001 -> 0002" in done.stderr
    assert tutorial.snapshot(database_url) == before


@pytest.mark.parametrize(
    "command", [["current"], ["downgrade", "base"], ["upgrade", "0002"], ["stamp", "head"]]
)
def test_other_commands_on_the_tutorials_database_say_to_upgrade_first(database_url, command):
    tutorial.build(database_url)
    before = tutorial.snapshot(database_url)
    done = flask_db(database_url, *command)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"made by the tutorial's app (revision {tutorial.HEAD})" in done.stderr
    assert "run `flask db upgrade` first, which adopts it" in done.stderr
    assert tutorial.snapshot(database_url) == before


def test_an_adoption_left_half_way_is_not_taken_for_done(adopted):
    # What a MariaDB server that died during an adoption may leave: our tables, and the
    # tutorial's rows still aside.
    engine = tutorial.engine(adopted)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE tutorial_user (id INTEGER)")
    engine.dispose()
    done = flask_db(adopted, "upgrade")
    assert done.returncode == 1
    assert "stopped half-way" in done.stderr
    assert "Restore the backup" in done.stderr
