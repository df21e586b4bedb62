"""replies (post.in_reply_to_id, post.is_reply), edits (post.edited_at and the post_edit
table of earlier texts)

A reply's in_reply_to_id is set NULL by the database when the post it answers is deleted
(however it goes: its author deleting it, or the author's account going); is_reply stays
True, so the reply can say "in reply to a deleted post".

SQLite rebuilds post to add the foreign key (batch_alter_table), which drops migration
0004's search triggers with the old table: they are created again here.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

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


def restore_sqlite_search_triggers() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or "post_fts" not in sa.inspect(bind).get_table_names():
        return
    for name, trigger in SQLITE_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(trigger)


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.add_column(sa.Column("in_reply_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("is_reply", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("edited_at", UTC_DATETIME, nullable=True))
        batch_op.create_index(batch_op.f("ix_post_in_reply_to_id"), ["in_reply_to_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_post_in_reply_to_id_post"),
            "post",
            ["in_reply_to_id"],
            ["id"],
            ondelete="SET NULL",
        )
    restore_sqlite_search_triggers()

    op.create_table(
        "post_edit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=280), nullable=False),
        sa.Column("replaced_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_post_edit_post_id_post"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_edit")),
    )
    with op.batch_alter_table("post_edit") as batch_op:
        batch_op.create_index(batch_op.f("ix_post_edit_post_id"), ["post_id"])


def downgrade():
    # Dropping a table drops its indexes (dropping them first fails on MariaDB, where they
    # back the foreign keys).
    op.drop_table("post_edit")
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_post_in_reply_to_id_post"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_post_in_reply_to_id"))
        batch_op.drop_column("edited_at")
        batch_op.drop_column("is_reply")
        batch_op.drop_column("in_reply_to_id")
    restore_sqlite_search_triggers()
