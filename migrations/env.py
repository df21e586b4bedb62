import fcntl
import logging
import os
import time
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import TypeDecorator, text
from sqlalchemy.exc import OperationalError

from app import tutorial_adoption
from app.models.types import UTCDateTime
from app.search.schema import include_name

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Keep the app's loggers: `flask db` and the tests run migrations inside the app's process.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    # Flask-SQLAlchemy 3: db.get_engine() is deprecated, and its warning is an error in tests.
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


@contextmanager
def wait_for_database(engine):
    """Connect, retrying while the database is still starting (DATABASE_WAIT_SECONDS, 30 s)."""
    deadline = time.monotonic() + float(os.environ.get("DATABASE_WAIT_SECONDS", "30"))
    while True:
        try:
            connection = engine.connect()
            break
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            logger.info("Waiting for the database...")
            time.sleep(1)
    with connection:
        yield connection


@contextmanager
def migration_lock(connection):
    """Let one instance migrate at a time; the others wait, then find nothing left to do."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        lock, unlock = "SELECT pg_advisory_lock(72707)", "SELECT pg_advisory_unlock(72707)"
    elif dialect in {"mysql", "mariadb"}:
        lock = "SELECT GET_LOCK('microblog_migrations', 600)"
        unlock = "SELECT RELEASE_LOCK('microblog_migrations')"
    else:
        # SQLite has no named locks: flock the database file itself, which leaves no file
        # behind (SQLite's own locks are fcntl byte ranges, which flock does not touch).
        database = connection.engine.url.database
        if not database or database == ":memory:":
            yield
            return
        with open(database, "ab") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield
        return
    connection.execute(text(lock))
    # The lock belongs to the session, so end the implicit transaction and let Alembic
    # begin its own.
    connection.commit()
    try:
        yield
    finally:
        connection.execute(text(unlock))
        connection.commit()


@contextmanager
def sqlite_foreign_keys_paused(connection):
    """Batch mode rebuilds a SQLite table by copying it and dropping the original; with
    foreign keys enforced, that DROP would cascade to (or be refused for) every row that
    references the table. Pause enforcement, then check the references by hand."""
    if connection.dialect.name != "sqlite":
        yield
        return
    # A no-op inside a transaction, so set it before Alembic begins one.
    connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
    connection.commit()
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")
        connection.commit()


def check_sqlite_foreign_keys(connection):
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows with broken foreign keys: {broken[:5]}")


def render_item(type_, obj, autogen_context):
    """Write the app's column types as the plain SQLAlchemy types they store: a migration
    must not import the app, whose types may change after it was written."""
    if type_ != "type":
        return False
    if isinstance(obj, UTCDateTime):
        # Its load_dialect_impl() asks MariaDB/MySQL for microseconds; so must the migration.
        autogen_context.imports.add("from sqlalchemy.dialects import mysql")
        return "sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')"
    if isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


# Types whose MariaDB/MySQL form takes a number of digits for fractions of a second.
FRACTIONAL_SECONDS = {"DATETIME", "TIMESTAMP", "TIME"}


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """Alembic ignores a precision that only one side spells out, so a MariaDB `datetime`
    column would pass for the models' DATETIME(6) and lose microseconds unnoticed."""
    if context.dialect.name not in {"mysql", "mariadb"}:
        return None
    compile_type = context.dialect.type_compiler.process
    inspected, wanted = compile_type(inspected_type), compile_type(metadata_type)
    kind = wanted.split("(")[0]
    if kind in FRACTIONAL_SECONDS and inspected.split("(")[0] == kind:
        return inspected != wanted
    # Anything else: Alembic's own comparison.
    return None


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=get_metadata(),
        literal_binds=True,
        render_as_batch=True,
        compare_type=compare_type,
        render_item=render_item,
        include_name=include_name,
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    # SQLite can only alter a table by copying it; compare column types too.
    conf_args["render_as_batch"] = True
    conf_args["compare_type"] = compare_type
    conf_args["render_item"] = render_item
    # The search index is built per database by migration 0004, outside the models.
    conf_args.setdefault("include_name", include_name)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with (
        wait_for_database(connectable) as connection,
        migration_lock(connection),
        sqlite_foreign_keys_paused(connection),
    ):
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
        adoption = tutorial_adoption.adoption_for(context)
        if adoption is not None:
            # One transaction on SQLite too; the rows move when our tables stand ready.
            conf_args["on_version_apply"] = adoption.on_version_apply
            if connection.dialect.name == "sqlite":
                conf_args["transactional_ddl"] = True
            context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

        with context.begin_transaction():
            if adoption is not None:
                adoption.begin()
            context.run_migrations()
            if adoption is not None:
                adoption.finish()
            check_sqlite_foreign_keys(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
