"""Markdown posts (their HTML, rendered when written; NULL for the plain-text posts from
before), hashtags (tag, post_tag) and alerts of mentions (alert, user.last_alert_read_time)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE",
    )


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=True))
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("last_alert_read_time", UTC_DATETIME, nullable=True))

    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )
    op.create_table(
        "post_tag",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("post_timestamp", UTC_DATETIME, nullable=False),
        fk("post_tag", "post_id", "post"),
        fk("post_tag", "tag_id", "tag"),
        sa.PrimaryKeyConstraint("post_id", "tag_id", name=op.f("pk_post_tag")),
    )
    with op.batch_alter_table("post_tag") as batch_op:
        batch_op.create_index(
            "ix_post_tag_tag_id_post_timestamp_post_id", ["tag_id", "post_timestamp", "post_id"]
        )

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("timestamp", UTC_DATETIME, nullable=False),
        fk("alert", "user_id", "user"),
        fk("alert", "actor_id", "user"),
        fk("alert", "post_id", "post"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert") as batch_op:
        batch_op.create_index("ix_alert_user_id_timestamp", ["user_id", "timestamp"])
        batch_op.create_index(batch_op.f("ix_alert_actor_id"), ["actor_id"])
        batch_op.create_index(batch_op.f("ix_alert_post_id"), ["post_id"])


def downgrade():
    op.drop_table("alert")
    op.drop_table("post_tag")
    op.drop_table("tag")
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("last_alert_read_time")
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_column("body_html")
