"""A database connection cut after the page's last query (as a PostgreSQL restart does)
must not turn the answered page into a 500."""

import os

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db
from tests.conftest import TEST_CONFIG

pytestmark = [pytest.mark.system, pytest.mark.postgres]

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set")
def test_connection_killed_before_teardown_still_answers():
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": POSTGRES_URL})
    killer = create_engine(POSTGRES_URL)

    @app.get("/probe")
    def probe():
        backend = db.session.scalar(text("SELECT pg_backend_pid()"))
        with killer.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            connection.commit()
        return "answered"

    try:
        with app.app_context():
            db.session.scalar(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to connect means no server
        pytest.skip(f"PostgreSQL at TEST_POSTGRES_URL is unreachable: {error}")

    client = app.test_client()
    response = client.get("/probe")
    assert response.status_code == 200 and response.text == "answered"
    # The pool threw the dead connection away: the next request gets a working one.
    assert client.get("/probe").status_code == 200
    killer.dispose()
    with app.app_context():
        db.engine.dispose()
