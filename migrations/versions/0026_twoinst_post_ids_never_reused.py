"""post ids are never given twice on SQLite (AUTOINCREMENT)

A post's id is in its stable URI (/post/<id>, its ActivityPub Note id) and in the id of
the Create that published it, which other servers keep for good. SQLite gives a new row the
largest id in the table plus one, so deleting the newest post and writing another gave the
new one the old one's id: other servers took its Create for the one they had seen, and kept
the deleted post's text under the new post's URI. With AUTOINCREMENT SQLite never gives an
id again. PostgreSQL's sequences and MariaDB's counters (kept across restarts since 10.2.4)
never did: nothing changes there.

SQLite rebuilds post (batch_alter_table), which drops migration 0004's search triggers with
the old table: they are created again here, as in 0016.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# Migration 0004's triggers, which keep SQLite's post_fts index in step with post.
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


def rebuild_post_on_sqlite(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "post", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass
    if "post_fts" in sa.inspect(bind).get_table_names():
        for name, trigger in SQLITE_TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(trigger)


def upgrade():
    rebuild_post_on_sqlite(autoincrement=True)


def downgrade():
    rebuild_post_on_sqlite(autoincrement=False)
