"""The app's UTC datetimes keep microseconds on MariaDB (DATETIME(6)): in the migrations
`flask db migrate` writes, and in what `flask db check` accepts (migrations/env.py)."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import UTCDateTime
from tests.conftest import add_user
from tests.databases import migrated_app, server_database
from tests.project_copy import copy_project, flask, untracked

ANCHOR = "    language: Mapped[str | None] = mapped_column(String(5))\n"
NEW_COLUMN = "    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)\n"
MOMENT = dt.datetime(2024, 5, 6, 7, 8, 9, 123456)


def test_a_migrated_new_column_keeps_microseconds(tmp_path, database_url, app):
    """A reader adds a UTC datetime column, runs `flask db migrate` and `upgrade`: the
    column the migration made gives back the microseconds it was given."""
    copy = copy_project(tmp_path)
    (copy / ".env").write_text(f"DATABASE_URL={database_url}\n")
    flask(copy, "db", "upgrade")
    model = copy / "app" / "models" / "post.py"
    model.write_text(model.read_text().replace(ANCHOR, ANCHOR + NEW_COLUMN))
    flask(copy, "db", "migrate", "-m", "post checked at")
    [revision] = [line for line in untracked(copy) if "migrations/versions" in line]
    # A migration stands alone: the app's types may change after it was written.
    assert "import app" not in (copy / revision.split()[-1]).read_text()
    flask(copy, "db", "upgrade")
    assert "No new upgrade operations detected" in flask(copy, "db", "check").stdout

    author = add_user(app)
    with app.app_context():
        post = sa.Table("post", sa.MetaData(), autoload_with=db.engine)
        with db.engine.begin() as connection:
            key = connection.execute(
                post.insert().values(body="hi", timestamp=MOMENT, user_id=author.id)
            ).inserted_primary_key[0]
            connection.execute(post.update().values(checked_at=MOMENT).where(post.c.id == key))
        with db.engine.connect() as connection:
            stored = connection.scalar(sa.select(post.c.checked_at).where(post.c.id == key))
        db.engine.dispose()
    assert stored == MOMENT


def utc_datetime_columns() -> list[sa.Column]:
    return [
        column
        for table in db.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, UTCDateTime)
    ]


@pytest.mark.mysql
def test_db_check_notices_a_mariadb_datetime_without_microseconds():
    with server_database("mysql") as url, migrated_app(url) as app:
        runner = app.test_cli_runner()
        with app.app_context():
            inspector = sa.inspect(db.engine)
            stored = {
                (column.table.name, column.name): next(
                    str(found["type"].compile(db.engine.dialect))
                    for found in inspector.get_columns(column.table.name)
                    if found["name"] == column.name
                )
                for column in utc_datetime_columns()
            }
        # Every UTC datetime the migrations 0001... made keeps microseconds.
        assert set(stored.values()) == {"DATETIME(6)"}, stored
        assert runner.invoke(args=["db", "check"]).exit_code == 0

        with app.app_context(), db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE post MODIFY timestamp DATETIME NOT NULL")
        result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 1, result.output
