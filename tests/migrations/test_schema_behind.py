"""A database behind its migrations says `flask db upgrade` instead of showing a stack trace."""

import click
import flask_migrate
import pytest

from app import create_app
from app.database import migrations_pending, require_current_schema
from app.extensions import db
from tests.conftest import TEST_CONFIG
from tests.migrations import tutorial

UPGRADE_HINT = "flask db upgrade"


def test_pending_until_the_head_revision(app, revisions):
    with app.app_context():
        assert migrations_pending()
        for revision in revisions[:-1]:
            flask_migrate.upgrade(revision=revision)
            assert migrations_pending(), f"at {revision}"
        flask_migrate.upgrade()
        assert not migrations_pending()


def test_cli_commands_refuse_an_old_schema(app):
    with app.app_context():
        with pytest.raises(click.ClickException, match=UPGRADE_HINT):
            require_current_schema()
        flask_migrate.upgrade()
        require_current_schema()


def test_login_on_an_empty_database_asks_for_an_upgrade(app, client):
    credentials = {"username": "susan", "password": "correct horse"}
    response = client.post("/auth/login", data=credentials)
    assert response.status_code == 503
    assert UPGRADE_HINT in response.text

    with app.app_context():
        flask_migrate.upgrade()
    response = client.post("/auth/login", data=credentials)
    assert response.status_code == 200
    assert UPGRADE_HINT not in response.text


def test_logged_in_page_on_an_empty_database_asks_for_an_upgrade(client):
    # A session cookie from before the database was emptied: loading its user hits the
    # missing table before the view runs.
    with client.session_transaction() as session:
        session["_user_id"] = "1:0:fingerprint:session"
        session["_fresh"] = True
    response = client.get("/")
    assert response.status_code == 503
    assert UPGRADE_HINT in response.text


def test_unreachable_database_is_not_blamed_on_migrations(tmp_path):
    missing = tmp_path / "no-such-directory" / "app.db"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = app.test_client().post("/auth/login", data={"username": "a", "password": "b"})
    with app.app_context():
        db.engine.dispose()
    assert response.status_code == 503
    assert "briefly unavailable" in response.text
    assert UPGRADE_HINT not in response.text


@pytest.mark.parametrize(
    ("revision", "advice"),
    [
        (tutorial.HEAD, "run `flask db upgrade`, which adopts it"),
        (tutorial.OLDER[-1], "`flask db upgrade` cannot go on from"),
        ("5eb0f7e1d2a9", "which this app does not know: `flask db upgrade` cannot go on"),
    ],
)
def test_a_database_from_elsewhere_says_what_can_be_done(tmp_path, revision, advice):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    tutorial.build(url, revision=revision)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().post("/auth/login", data={"username": "a", "password": "b"})
    assert response.status_code == 503
    assert revision in response.text
    assert advice in response.text
    with app.app_context():
        with pytest.raises(click.ClickException, match=revision):
            require_current_schema()
        db.engine.dispose()
