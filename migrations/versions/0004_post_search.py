"""full-text search over posts

SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or later) over post.body,
kept in sync by triggers, so a post is indexed in the transaction that writes it. On an
older SQLite the table is not built and search falls back to LIKE.

PostgreSQL: a GIN index on to_tsvector('simple', body) for words and a pg_trgm GIN index on
body for substrings (Chinese has no spaces between words). Both are indexes, so PostgreSQL
keeps them in sync itself. Needs the pg_trgm extension (CREATE EXTENSION needs a superuser
or a trusted-extension grant).

MariaDB: nothing; search there is a LIKE scan.

Nothing here is in the models: app.search.schema hides it from autogenerate. A later
migration that rebuilds post on SQLite (batch_alter_table) drops the triggers with the old
table and must create them again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import sqlite3

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "post_fts_insert": """
        CREATE TRIGGER post_fts_insert AFTER INSERT ON post BEGIN
            INSERT INTO post_fts (rowid, body) VALUES (new.id, new.body);
        END""",
    "post_fts_delete": """
        CREATE TRIGGER post_fts_delete AFTER DELETE ON post BEGIN
            INSERT INTO post_fts (post_fts, rowid, body) VALUES ('delete', old.id, old.body);
        END""",
    "post_fts_update": """
        CREATE TRIGGER post_fts_update AFTER UPDATE OF id, body ON post BEGIN
            INSERT INTO post_fts (post_fts, rowid, body) VALUES ('delete', old.id, old.body);
            INSERT INTO post_fts (rowid, body) VALUES (new.id, new.body);
        END""",
}


def dialect() -> str:
    return op.get_bind().dialect.name


def trigram_supported() -> bool:
    return sqlite3.sqlite_version_info >= (3, 34, 0)


def upgrade():
    if dialect() == "sqlite" and trigram_supported():
        # External content: the index keeps only terms; the text stays in post.
        op.execute(
            "CREATE VIRTUAL TABLE post_fts USING fts5("
            "body, content='post', content_rowid='id', tokenize='trigram')"
        )
        for trigger in SQLITE_TRIGGERS.values():
            op.execute(trigger)
        op.execute("INSERT INTO post_fts (post_fts) VALUES ('rebuild')")
    elif dialect() == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_post_body_tsvector ON post USING gin (to_tsvector('simple', body))"
        )
        op.execute("CREATE INDEX ix_post_body_trigram ON post USING gin (body gin_trgm_ops)")


def downgrade():
    if dialect() == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS post_fts")
    elif dialect() == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_post_body_trigram")
        op.execute("DROP INDEX IF EXISTS ix_post_body_tsvector")
        # pg_trgm stays: other schemas in the database may use it.
