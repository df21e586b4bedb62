import pytest
from sqlalchemy import event

from app.extensions import db


@pytest.fixture
def count_queries():
    """Count the SQL statements a block of code sends to an app's database."""

    class Counter:
        def __init__(self, app):
            self.app = app
            self.statements = []

        def __enter__(self):
            with self.app.app_context():
                self.engine = db.engine
            event.listen(self.engine, "before_cursor_execute", self._record)
            return self

        def __exit__(self, *exc):
            event.remove(self.engine, "before_cursor_execute", self._record)

        def _record(self, conn, cursor, statement, *args):
            self.statements.append(statement)

        @property
        def count(self):
            return len(self.statements)

    return Counter
