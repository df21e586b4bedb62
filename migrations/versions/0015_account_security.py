"""the security log, email changes (for their undo links) and the reserved usernames of
deleted accounts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["user.id"], name=op.f(f"fk_{table}_user_id_user"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=64), nullable=False),
        sa.Column("details_json", sa.Text(), nullable=False),
        user_fk("security_event"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
    )
    with op.batch_alter_table("security_event") as batch_op:
        batch_op.create_index(batch_op.f("ix_security_event_user_id"), ["user_id"])
        batch_op.create_index(batch_op.f("ix_security_event_created_at"), ["created_at"])

    op.create_table(
        "email_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("old_email", sa.String(length=120), nullable=False),
        sa.Column("new_email", sa.String(length=120), nullable=False),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.Column("undone_at", UTC_DATETIME, nullable=True),
        user_fk("email_change"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_change")),
    )
    with op.batch_alter_table("email_change") as batch_op:
        batch_op.create_index(batch_op.f("ix_email_change_user_id"), ["user_id"])

    op.create_table(
        "reserved_username",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("username_skeleton", sa.String(length=512), nullable=False),
        sa.Column("reserved_until", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reserved_username")),
        sa.UniqueConstraint("username", name=op.f("uq_reserved_username_username")),
    )
    with op.batch_alter_table("reserved_username") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reserved_username_username_skeleton"), ["username_skeleton"]
        )
        batch_op.create_index(batch_op.f("ix_reserved_username_reserved_until"), ["reserved_until"])


def downgrade():
    # Dropping a table drops its indexes (dropping them first fails on MariaDB, where they
    # back the foreign keys).
    op.drop_table("reserved_username")
    op.drop_table("email_change")
    op.drop_table("security_event")
