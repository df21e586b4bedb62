"""A database made by the Flask Mega-Tutorial's app: its revisions and tables, and the
checks that every row of it can be kept by this app (app/tutorial_adoption.py adopts it).

The tutorial's migrations end at TUTORIAL_HEAD; its tables hold what our revision ADOPTED_AT
holds, under looser rules: names in any letter case, columns that may be empty, references
that nothing enforces on SQLite. A row this app cannot keep as it is (two names that are one
here, a post without an author) is reported, never merged or dropped.
"""

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.database import TUTORIAL_HEAD, TUTORIAL_REVISIONS
from app.extensions import db
from app.models.profile import normalize_email
from app.models.search import SQLITE_TABLE
from app.models.username import normalize_username

# Our revision whose tables the tutorial's rows are copied into.
ADOPTED_AT = "0003"
ASIDE = "tutorial_"

# The columns adoption reads from each tutorial table; the first table is copied first.
TUTORIAL_COLUMNS = {
    "user": ("id", "username", "email", "password_hash", "about_me", "last_seen",
             "last_message_read_time"),
    "post": ("id", "body", "timestamp", "user_id", "language"),
    "followers": ("follower_id", "followed_id"),
    "message": ("id", "sender_id", "recipient_id", "body", "timestamp"),
    "notification": ("id", "name", "user_id", "timestamp", "payload_json"),
    "task": ("id", "name", "description", "user_id", "complete"),
}  # fmt: skip
# Columns that may be NULL in the tutorial's schema and may not be in ours.
REQUIRED = {
    "post": ("body", "timestamp", "user_id"),
    "followers": ("follower_id", "followed_id"),
    "message": ("sender_id", "recipient_id", "body", "timestamp"),
    "notification": ("name", "user_id", "timestamp", "payload_json"),
    "task": ("name", "user_id", "complete"),
}
# Columns that name a user.
REFERENCES = {
    "post": ("user_id",),
    "followers": ("follower_id", "followed_id"),
    "message": ("sender_id", "recipient_id"),
    "notification": ("user_id",),
    "task": ("user_id",),
}
NAME_LENGTHS = {"username": 64, "email": 120}
# What makes two names one (app.models.username.normalize_username, normalize_email).
IGNORED = {
    "username": "letter case and forms such as full-width letters do not count",
    "email": "letter case does not count",
}
SHOWN_IDS = 5


class AdoptionRefused(RuntimeError):
    """Flask-Migrate prints a RuntimeError as one `Error:` line (more lines for a report)."""


def tutorial_table(name: str, prefix: str = "") -> sa.TableClause:
    """The columns adoption reads from a tutorial table (or its copy), with their types."""

    def type_of(column: str):
        if column == "id":
            return sa.String if name == "task" else sa.Integer
        if column == "timestamp" and name == "notification":
            return sa.Double
        if column in {"timestamp", "last_seen", "last_message_read_time"}:
            return sa.DateTime
        if column == "complete":
            return sa.Boolean
        return sa.Integer if column.endswith("_id") else sa.String

    return sa.table(prefix + name, *(sa.column(c, type_of(c)) for c in TUTORIAL_COLUMNS[name]))


def refusal(revision: str) -> str | None:
    """Why `flask db upgrade` cannot start from `revision`, or None when it can."""
    if revision == TUTORIAL_HEAD:
        return None
    if revision in TUTORIAL_REVISIONS:
        return (
            f"This database was made by the tutorial's app and is at its revision {revision}"
            f" ({TUTORIAL_REVISIONS[revision]}); flask db upgrade adopts only its last revision,"
            f" {TUTORIAL_HEAD} ({TUTORIAL_REVISIONS[TUTORIAL_HEAD]}). Nothing was changed: run"
            " the tutorial's own `flask db upgrade` on it first, then this app's."
        )
    return (
        f"The database is at revision {revision}, which is neither one of this app's"
        " migrations nor the tutorial's: flask db upgrade cannot go on from there."
    )


def _ids(rows) -> str:
    ids = [str(row[0]) for row in rows[:SHOWN_IDS]]
    return ", ".join(ids) + (", …" if len(rows) > SHOWN_IDS else "")


def schema_problems(connection: Connection) -> list[str]:
    inspector = sa.inspect(connection)
    problems = []
    for table, wanted in TUTORIAL_COLUMNS.items():
        if not inspector.has_table(table):
            problems.append(f"the table {table} is missing")
            continue
        have = {column["name"] for column in inspector.get_columns(table)}
        problems += [f"the table {table} has no column {c}" for c in wanted if c not in have]
    # Names adoption and our migrations create: a table or view there would stop them.
    ours = {ASIDE + name for name in TUTORIAL_COLUMNS} | {SQLITE_TABLE}
    ours |= set(db.metadata.tables) - set(TUTORIAL_COLUMNS)
    taken = set(inspector.get_table_names()) | set(inspector.get_view_names())
    problems += [f"a table or view named {name} is in the way" for name in sorted(ours & taken)]
    return problems


def user_problems(connection: Connection) -> list[str]:
    """Users without a name or email, and names that become one (or too long) as ours."""
    user = tutorial_table("user")
    rows = connection.execute(sa.select(user.c.id, user.c.username, user.c.email)).all()
    problems = []
    for field, normalize in (("username", normalize_username), ("email", normalize_email)):
        holders = defaultdict(list)
        for row in rows:
            value = row._mapping[field]
            if not value or not value.strip():
                problems.append(f"user {row.id} has no {field}")
                continue
            holders[normalize(value)].append(row)
            if len(normalize(value)) > NAME_LENGTHS[field]:
                problems.append(
                    f"{field} {value!r} (user {row.id}) is longer than {NAME_LENGTHS[field]}"
                    " characters once normalized"
                )
        for same in holders.values():
            if len(same) > 1:
                names = " and ".join(f"{r._mapping[field]!r} (user {r.id})" for r in same)
                problems.append(f"{field} {names} are one {field} here ({IGNORED[field]})")
    return problems


def row_problems(connection: Connection) -> list[str]:
    """Rows with an empty required column, or naming a user who does not exist."""
    users = sa.select(tutorial_table("user").c.id)
    problems = []
    for name, columns in REQUIRED.items():
        table = tutorial_table(name)
        key = table.c.id if "id" in table.c else table.c[columns[0]]
        for column in columns:
            rows = connection.execute(sa.select(key).where(table.c[column].is_(None))).all()
            if rows:
                problems.append(f"{len(rows)} {name} rows have no {column}: {_ids(rows)}")
        for column in REFERENCES[name]:
            orphan = table.c[column].is_not(None) & table.c[column].not_in(users)
            rows = connection.execute(sa.select(key).where(orphan)).all()
            if rows:
                problems.append(
                    f"{len(rows)} {name} rows name a user that does not exist in {column}:"
                    f" {_ids(rows)}"
                )
    return problems


def check(connection: Connection) -> None:
    """Refuse, changing nothing, unless every tutorial row can be kept as it is."""
    problems = schema_problems(connection)
    if not problems:
        problems = user_problems(connection) + row_problems(connection)
    if problems:
        raise AdoptionRefused(
            f"Not adopted: this app cannot keep the tutorial's database (revision"
            f" {TUTORIAL_HEAD}) as it is. Nothing was changed.\n"
            + "".join(f"  {problem}\n" for problem in problems)
            + "Fix these with the tutorial's app or in SQL (rename or merge the accounts named"
            " above), then run flask db upgrade again."
        )
