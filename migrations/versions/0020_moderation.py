"""moderation: blocks and mutes, reports, the moderation log, admins, suspended accounts and
hidden posts

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"), ondelete="CASCADE"
    )


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(
            sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("suspended_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(
            sa.Column("block_total", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    # Not batch mode: on SQLite that rebuilds post (it has a foreign key to itself since
    # 0016) and drops its search triggers (0004).
    op.add_column(
        "post", sa.Column("hidden", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    op.create_index(op.f("ix_post_hidden_user_id"), "post", ["hidden", "user_id"])

    op.create_table(
        "user_block",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        user_fk("user_block", "user_id"),
        user_fk("user_block", "target_id"),
        sa.PrimaryKeyConstraint("user_id", "target_id", name=op.f("pk_user_block")),
    )
    with op.batch_alter_table("user_block") as batch_op:
        batch_op.create_index(batch_op.f("ix_user_block_target_id"), ["target_id"])

    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("details", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("resolved_at", UTC_DATETIME, nullable=True),
        user_fk("report", "reporter_id"),
        user_fk("report", "target_id"),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_report_post_id_post"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    with op.batch_alter_table("report") as batch_op:
        batch_op.create_index(batch_op.f("ix_report_reporter_id"), ["reporter_id"])
        batch_op.create_index(batch_op.f("ix_report_target_id"), ["target_id"])
        batch_op.create_index(batch_op.f("ix_report_post_id"), ["post_id"])
        batch_op.create_index(batch_op.f("ix_report_resolved_at"), ["resolved_at"])

    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("moderator", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_user", sa.String(length=64), nullable=True),
        sa.Column("target_post_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_log")),
    )
    with op.batch_alter_table("moderation_log") as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_log_created_at"), ["created_at"])


def downgrade():
    # Dropping a table drops its indexes (dropping them first fails on MariaDB, where they
    # back the foreign keys).
    op.drop_table("moderation_log")
    op.drop_table("report")
    op.drop_table("user_block")
    # Not batch mode: on SQLite that rebuilds post and drops its search triggers (0004).
    op.drop_index(op.f("ix_post_hidden_user_id"), table_name="post")
    op.drop_column("post", "hidden")
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("block_total")
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("is_admin")
