"""What migration 0004 builds outside the models, so autogenerate can leave it alone.

The search index differs by database (an FTS5 table and its shadow tables on SQLite,
expression and trigram indexes on PostgreSQL), so no model could describe it on all three.
"""

from app.models.search import POSTGRESQL_INDEXES, SQLITE_TABLE


def is_search_table(name: str) -> bool:
    """The FTS5 table or one of the shadow tables SQLite keeps for it (post_fts_data, …)."""
    return name == SQLITE_TABLE or name.startswith(f"{SQLITE_TABLE}_")


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name hook: skip the search index when comparing with the models."""
    if type_ == "table":
        return name is None or not is_search_table(name)
    if type_ == "index":
        return name not in POSTGRESQL_INDEXES
    return True
