"""Every migration in migrations/versions, run up and down on SQLite, PostgreSQL and MariaDB.

The tests know no table or revision by name except the user table: whatever revisions
exist, they are walked, reflected and filled with rows generically.
"""

import ast
import datetime as dt
import uuid
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app import create_app
from app.extensions import db
from app.search.schema import include_name, is_search_table
from tests.conftest import TEST_CONFIG


def _is_stub(function: ast.FunctionDef) -> bool:
    """True when a function does nothing: only a docstring, `pass`, `...` or constants."""
    return all(
        isinstance(statement, ast.Pass)
        or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
        for statement in function.body
    )


def _stub_functions(path: str) -> list[str]:
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    functions = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name in {"upgrade", "downgrade"}
    }
    return [name for name in ("upgrade", "downgrade") if name not in functions] + [
        name for name, node in functions.items() if _is_stub(node)
    ]


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def table_names() -> set[str]:
    """The tables in the database, less the search index migration 0004 builds on SQLite."""
    return {t for t in sa.inspect(db.engine).get_table_names() if not is_search_table(t)}


def schema_snapshot() -> dict:
    """Tables, columns, keys and indexes as the database reports them, comparable with ==."""
    inspector = sa.inspect(db.engine)
    snapshot = {}
    for table in inspector.get_table_names():
        if is_search_table(table):
            snapshot[table] = {"columns": sorted(c["name"] for c in inspector.get_columns(table))}
            continue
        snapshot[table] = {
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            ),
            "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign_keys": sorted(
                (
                    fk["name"] or "",
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table)
            ),
        }
    return snapshot


def test_single_head(scripts):
    assert len(scripts.get_heads()) == 1, f"several heads, merge them: {scripts.get_heads()}"
    assert len(scripts.get_bases()) == 1, f"several bases: {scripts.get_bases()}"


def test_every_revision_has_an_upgrade_and_a_downgrade(scripts):
    stubs = {
        Path(script.path).name: names
        for script in scripts.walk_revisions()
        if (names := _stub_functions(script.path))
    }
    assert stubs == {}, "these revisions cannot be applied or undone"


def test_upgrade_to_head_matches_the_models(app, runner):
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            # The same comparison `flask db migrate` makes, so no migration is left unwritten.
            opts = {"compare_type": True, "include_name": include_name}
            context = MigrationContext.configure(connection, opts=opts)
            differences = compare_metadata(context, db.metadata)
        tables = table_names()
    assert differences == []
    assert tables == set(db.metadata.tables) | {"alembic_version"}

    # `flask db check` agrees, and does notice a schema that drifted from the models.
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.begin() as connection:
        # A reflected copy: an Index built on db.metadata's table would join the models.
        user = sa.Table("user", sa.MetaData(), autoload_with=connection)
        index = next(index for index in user.indexes if index.name == "ix_user_email")
        connection.execute(sa.schema.DropIndex(index))
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 1, result.output


def test_step_up_down_and_up_again(app, revisions):
    """Each downgrade restores exactly the schema its revision had on the way up."""
    with app.app_context():
        assert table_names() == set()
        snapshots = {}
        for revision in revisions:
            flask_migrate.upgrade(revision=revision)
            assert current_revision() == revision
            snapshots[revision] = schema_snapshot()
        head_tables = {t for t in snapshots[revisions[-1]] if not is_search_table(t)}
        assert head_tables == set(db.metadata.tables) | {"alembic_version"}

        for previous in reversed([None, *revisions[:-1]]):
            flask_migrate.downgrade(revision=previous or "base")
            assert current_revision() == previous
            if previous is not None:
                assert schema_snapshot() == snapshots[previous], f"downgrade to {previous}"
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}

        for revision in revisions:
            flask_migrate.upgrade(revision=revision)
            assert schema_snapshot() == snapshots[revision], f"upgrade to {revision} again"


# Generic rows: a value for each reflected column type, different for every revision.
START = dt.datetime(2024, 5, 6, 7, 8, 9)


def sample_value(column: sa.Column, n: int):
    """A value that fits this column, or raise LookupError for a type the test cannot fill."""
    type_ = column.type
    if isinstance(type_, sa.Enum) and type_.enums:
        return type_.enums[n % len(type_.enums)]
    if isinstance(type_, sa.String):
        value = f"r{n}-{column.name}"
        return value[: type_.length] if type_.length else value
    if isinstance(type_, sa.Boolean):
        return n % 2 == 0
    if isinstance(type_, sa.Integer):
        # Small: MariaDB reflects a Boolean as TINYINT(1).
        return n + 1
    if isinstance(type_, sa.Numeric):
        return 1.5 + n
    if isinstance(type_, sa.DateTime):
        # Whole seconds: MariaDB's DATETIME drops fractions.
        value = START + dt.timedelta(days=n)
        return value.replace(tzinfo=dt.UTC) if type_.timezone else value
    if isinstance(type_, sa.Date):
        return START.date() + dt.timedelta(days=n)
    if isinstance(type_, sa.Time):
        return dt.time(7, 8, n % 60)
    if isinstance(type_, sa.LargeBinary):
        return f"r{n}".encode()
    if isinstance(type_, sa.Uuid):
        return uuid.UUID(int=n + 1)
    if isinstance(type_, sa.JSON):
        return {"revision": n}
    raise LookupError(f"no sample value for {column.table.name}.{column.name} ({type_})")


def sample_row(table: sa.Table, n: int, keys: dict[str, dict]) -> dict:
    """Values for every column but a generated key; foreign keys point at this round's rows."""
    row = {}
    for column in table.columns:
        if column is table.autoincrement_column or column.computed is not None:
            continue
        if column.identity is not None:
            continue
        foreign_keys = list(column.foreign_keys)
        if foreign_keys:
            target = foreign_keys[0].column
            parent = keys.get(target.table.name)
            if parent is None:
                if not column.nullable:
                    raise LookupError(f"no {target.table.name} row for {table.name}")
                row[column.name] = None
            else:
                row[column.name] = parent[target.name]
        else:
            row[column.name] = sample_value(column, n)
    return row


def seed_every_table(n: int) -> tuple[dict[str, dict], dict[str, dict]]:
    """Insert one row in every table; return each table's primary key and inserted values."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    keys: dict[str, dict] = {}
    values: dict[str, dict] = {}
    for table in metadata.sorted_tables:
        # The search index's tables are SQLite's to write, through triggers on post.
        if table.name == "alembic_version" or is_search_table(table.name):
            continue
        try:
            row = sample_row(table, n, keys)
            with db.engine.begin() as connection:
                result = connection.execute(table.insert().values(row))
        except (LookupError, sa.exc.IntegrityError):
            # A check constraint or an unfillable type: this table cannot take a generic row.
            continue
        primary_key = [column.name for column in table.primary_key.columns]
        keys[table.name] = {
            **row,
            **dict(zip(primary_key, result.inserted_primary_key, strict=True)),
        }
        values[table.name] = row
    return keys, values


def test_rows_survive_every_later_migration(app, revisions):
    """A row in each table that exists at a revision is still there, unchanged, at head."""
    seeded = []
    with app.app_context():
        for n, revision in enumerate(revisions):
            flask_migrate.upgrade(revision=revision)
            keys, values = seed_every_table(n)
            assert "user" in keys, f"could not insert a user row at {revision}"
            seeded += [(revision, table, keys[table], values[table]) for table in keys]

        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine)
        with db.engine.connect() as connection:
            for revision, name, key, row in seeded:
                table = metadata.tables.get(name)
                if table is None:
                    # Dropped by a later revision, on purpose.
                    assert name != "user"
                    continue
                match = [table.c[k] == v for k, v in key.items() if k in table.primary_key.c]
                found = connection.execute(sa.select(table).where(*match)).mappings().all()
                assert len(found) == 1, f"{name} row inserted at {revision} is gone at head"
                kept = {k: v for k, v in row.items() if k in table.c}
                assert {k: found[0][k] for k in kept} == kept, f"{name} row from {revision}"


@pytest.mark.parametrize("column", ["username", "email"])
def test_user_indexes_are_unique(app, column):
    with app.app_context():
        flask_migrate.upgrade()
        indexes = {i["name"]: i for i in sa.inspect(db.engine).get_indexes("user")}
        metadata = sa.MetaData()
        user = sa.Table("user", metadata, autoload_with=db.engine)
        first = sample_row(user, 1, {})
        second = {**sample_row(user, 2, {}), column: first[column]}
        with db.engine.begin() as connection:
            connection.execute(user.insert().values(first))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(user.insert().values(second))

    index = indexes[f"ix_user_{column}"]
    assert index["unique"]
    assert index["column_names"] == [column]


def test_sqlite_foreign_keys_are_enforced_again_after_upgrading(tmp_path):
    """Migrations pause SQLite's foreign keys; the pooled connection must not keep them off."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            enforced = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        db.engine.dispose()
    assert enforced == 1
