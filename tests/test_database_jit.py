"""PostgreSQL runs the app's queries without JIT compilation (app/database.py), which cost a
page's query 30-50 ms to compile where running it takes under one."""

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.databases import server_database
from tests.settings import TEST_CONFIG


@pytest.mark.postgres
def test_postgresql_connections_have_jit_off():
    with server_database("postgres") as url:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"
            db.session.remove()
            db.engine.dispose()
