"""likes and boosts, and the counts each post keeps of them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def reaction_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("timestamp", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f(f"fk_{name}_user_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f(f"fk_{name}_post_id_post"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("user_id", "post_id", name=op.f(f"uq_{name}_user_id")),
    )


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.add_column(sa.Column("like_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("boost_count", sa.Integer(), server_default="0", nullable=False))
    reaction_table("like")
    with op.batch_alter_table("like") as batch_op:
        batch_op.create_index("ix_like_post_id_timestamp_id", ["post_id", "timestamp", "id"])
    reaction_table("boost")
    with op.batch_alter_table("boost") as batch_op:
        batch_op.create_index("ix_boost_post_id_user_id", ["post_id", "user_id"])
        batch_op.create_index(
            "ix_boost_user_id_timestamp_post_id", ["user_id", "timestamp", "post_id"]
        )


def downgrade():
    # Dropping a table drops its indexes (dropping them first fails on MariaDB, where they
    # back the foreign keys).
    op.drop_table("boost")
    op.drop_table("like")
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_column("boost_count")
        batch_op.drop_column("like_count")
