"""Fixtures for migration tests: an empty database on SQLite, PostgreSQL and MariaDB
(tests/databases.py), and the migration scripts."""

import pytest
from alembic.script import ScriptDirectory

from app import create_app
from app.extensions import db
from tests.databases import ROOT, script_directory
from tests.settings import TEST_CONFIG


@pytest.fixture(scope="session")
def scripts() -> ScriptDirectory:
    return script_directory()


@pytest.fixture(scope="session")
def revisions(scripts) -> list[str]:
    """Every revision id, oldest first (the history must be linear: see test_single_head)."""
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


@pytest.fixture(autouse=True)
def _run_from_project_root(monkeypatch) -> None:
    # Flask-Migrate finds migrations/ relative to the working directory, as `flask db` does.
    monkeypatch.chdir(ROOT)


@pytest.fixture
def app(database_url):
    """The app on the empty database, with no tables created: the migrations must do that."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    yield app
    with app.app_context():
        # Pooled connections would hold the server database open past the DROP.
        db.engine.dispose()
