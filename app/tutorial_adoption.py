"""Adopting a database made by the Flask Mega-Tutorial's app, run by migrations/env.py.

`flask db upgrade` on such a database checks every row first (app/tutorial_database.py) and
refuses, changing nothing, when one cannot be kept as it is. Then it copies the tutorial's
tables aside, drops them, lets our migrations build ours from the base, copies the rows into
ours once they stand at ADOPTED_AT (Alembic's on_version_apply), and drops the copies; the
later migrations fill what the tutorial lacked (skeletons, the search index, each follow's
newest post). On SQLite and PostgreSQL all of it is one transaction; on MariaDB, whose DDL
commits as it goes, the checks are what keeps a database from being left half-adopted.
"""

import logging
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.database import TUTORIAL_HEAD
from app.models.profile import normalize_email
from app.models.username import normalize_username
from app.tutorial_database import (
    ADOPTED_AT,
    ASIDE,
    TUTORIAL_COLUMNS,
    AdoptionRefused,
    check,
    refusal,
    tutorial_table,
)

logger = logging.getLogger("alembic.env")


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


class Adoption:
    """One adoption: begin() before our migrations run, copy() once they stand at
    ADOPTED_AT, finish() after the last."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.copied = False

    def begin(self) -> None:
        """Check every row, then move the tutorial's tables aside and empty alembic_version."""
        connection = self.connection
        if connection.dialect.name == "sqlite":
            # pysqlite begins a transaction before DML only: begin one for the DDL too.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        check(connection)
        logger.info("Adopting the tutorial's database (revision %s)", TUTORIAL_HEAD)
        # Copies, not renames: a renamed table keeps its indexes' and sequences' names,
        # which ours would then clash with on PostgreSQL and SQLite.
        for name in TUTORIAL_COLUMNS:
            aside, table = _quote(connection, ASIDE + name), _quote(connection, name)
            connection.exec_driver_sql(f"CREATE TABLE {aside} AS SELECT * FROM {table}")
        for name in reversed(TUTORIAL_COLUMNS):
            connection.exec_driver_sql(f"DROP TABLE {_quote(connection, name)}")
        connection.execute(sa.text("DELETE FROM alembic_version"))

    def on_version_apply(self, *, step, **kwargs) -> None:
        if step.is_upgrade and step.up_revision_id == ADOPTED_AT:
            self.copy()

    def copy(self) -> None:
        """Fill our tables, as ADOPTED_AT has them, from the copies; then drop the copies."""
        connection = self.connection
        self._copy_users()
        for name in ("post", "followers", "message", "notification", "task"):
            source = tutorial_table(name, ASIDE)
            columns: dict[str, sa.ColumnElement[Any]] = {c.name: c for c in source.c}
            if name == "task":
                # The tutorial keeps a task's progress in its job, which is gone.
                columns["progress"] = sa.case((source.c.complete, 100), else_=0)
            query = sa.select(*columns.values())
            if name == "followers":
                # The tutorial's followers table has no primary key to keep a follow single.
                query = query.distinct()
            target = sa.table(name, *(sa.column(column) for column in columns))
            connection.execute(target.insert().from_select(list(columns), query))
        if connection.dialect.name == "postgresql":
            # Ids were copied as they were: the next ones come after them.
            for name in ("user", "post", "message", "notification"):
                table = _quote(connection, name)
                restart = f"SELECT setval(pg_get_serial_sequence(:t, 'id'), MAX(id)) FROM {table}"
                connection.execute(sa.text(restart), {"t": table})
        for name in reversed(TUTORIAL_COLUMNS):
            connection.exec_driver_sql(f"DROP TABLE {_quote(connection, ASIDE + name)}")
        logger.info(
            "Adopted every user, post, follow, message, notification and task. API tokens of"
            " the tutorial's app are not kept: its API clients ask for new ones."
        )
        self.copied = True

    def _copy_users(self) -> None:
        """Users with our normalized names, and the times the tutorial did not record."""
        connection = self.connection
        source, post = tutorial_table("user", ASIDE), tutorial_table("post", ASIDE)
        first_posts = dict(
            connection.execute(
                sa.select(post.c.user_id, sa.func.min(post.c.timestamp)).group_by(post.c.user_id)
            ).all()
        )
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = []
        for row in connection.execute(sa.select(source)).mappings():
            # Joined no later than their first post or visit, whichever is known and earlier.
            known = [t for t in (first_posts.get(row["id"]), row["last_seen"]) if t is not None]
            created_at = min(known, default=now)
            rows.append(
                {
                    **row,
                    "username": normalize_username(row["username"]),
                    "email": normalize_email(row["email"]),
                    "created_at": created_at,
                    "last_seen": row["last_seen"] or created_at,
                }
            )
        dates = {"created_at", "last_seen", "last_message_read_time"}
        user = sa.table(
            "user",
            *(
                sa.column(name, sa.DateTime if name in dates else None)
                for name in [*TUTORIAL_COLUMNS["user"], "created_at"]
            ),
        )
        if rows:
            connection.execute(user.insert(), rows)

    def finish(self) -> None:
        if not self.copied:
            raise AdoptionRefused(f"The migrations stopped before {ADOPTED_AT}: nothing adopted.")


INTERRUPTED = (
    f"An adoption of the tutorial's database stopped half-way: the tables {ASIDE}user, …"
    " still hold its rows. Restore the backup made before it, then run flask db upgrade again."
)


def adoption_for(context) -> Adoption | None:
    """The adoption the `flask db` command of Alembic's `context` (configured) must run first;
    None for a database that is not the tutorial's. AdoptionRefused for a command that cannot
    run on it."""
    migration_context = context.get_context()
    connection = migration_context.connection
    ours = {script.revision for script in context.script.walk_revisions()}
    foreign = [r for r in migration_context.get_current_heads() if r not in ours]
    if not foreign:
        if sa.inspect(connection).has_table(ASIDE + "user"):
            raise AdoptionRefused(INTERRUPTED)
        return None
    reason = refusal(foreign[0])
    if reason is not None:
        raise AdoptionRefused(reason)
    # Alembic names the function it runs for each command after the command.
    command = getattr(migration_context.opts.get("fn"), "__name__", None)
    destination = context.get_revision_argument() if command == "upgrade" else None
    reaches = destination is not None and ADOPTED_AT in {
        script.revision for script in context.script.iterate_revisions(destination, "base")
    }
    if not reaches:
        raise AdoptionRefused(
            f"This database was made by the tutorial's app (revision {TUTORIAL_HEAD}): run"
            " `flask db upgrade` first, which adopts it."
        )
    # End the reads' implicit transaction: Alembic takes a transaction already open when it
    # is configured for its caller's, and would then neither roll it back nor commit it.
    connection.rollback()
    return Adoption(connection)
