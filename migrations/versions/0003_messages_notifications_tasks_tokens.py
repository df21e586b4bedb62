"""private messages, notifications, background tasks and API tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Naive UTC; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def user_fk(table: str, column: str = "user_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        user_fk("api_token"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
    )
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_token_hash"), ["token_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=280), nullable=False),
        sa.Column("timestamp", UTC_DATETIME, nullable=False),
        user_fk("message", "recipient_id"),
        user_fk("message", "sender_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
    )
    with op.batch_alter_table("message") as batch_op:
        batch_op.create_index(
            "ix_message_recipient_id_timestamp", ["recipient_id", "timestamp"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_message_sender_id"), ["sender_id"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.Double(), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        user_fk("notification"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification") as batch_op:
        batch_op.create_index(
            "ix_notification_user_id_timestamp", ["user_id", "timestamp"], unique=False
        )

    op.create_table(
        "task",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.String(length=128), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        user_fk("task"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    with op.batch_alter_table("task") as batch_op:
        batch_op.create_index(batch_op.f("ix_task_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("last_message_read_time", UTC_DATETIME, nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("last_message_read_time")
    # Dropping a table drops its indexes (dropping them first fails on MariaDB, where they
    # back the foreign keys).
    op.drop_table("task")
    op.drop_table("notification")
    op.drop_table("message")
    op.drop_table("api_token")
