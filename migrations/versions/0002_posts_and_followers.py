"""posts and followers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Naive UTC; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade():
    op.create_table(
        "followers",
        sa.Column("follower_id", sa.Integer(), nullable=False),
        sa.Column("followed_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["followed_id"],
            ["user.id"],
            name=op.f("fk_followers_followed_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["follower_id"],
            ["user.id"],
            name=op.f("fk_followers_follower_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("follower_id", "followed_id", name=op.f("pk_followers")),
    )
    with op.batch_alter_table("followers") as batch_op:
        batch_op.create_index("ix_followers_followed_id", ["followed_id"], unique=False)

    op.create_table(
        "post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=280), nullable=False),
        sa.Column("timestamp", UTC_DATETIME, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_post_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post")),
    )
    with op.batch_alter_table("post") as batch_op:
        batch_op.create_index(batch_op.f("ix_post_timestamp"), ["timestamp"], unique=False)
        batch_op.create_index(
            "ix_post_user_id_timestamp_id", ["user_id", "timestamp", "id"], unique=False
        )


def downgrade():
    # Dropping a table drops its indexes; dropping them first fails on MariaDB, where
    # ix_post_user_id_timestamp_id is the index behind the user_id foreign key.
    op.drop_table("post")
    op.drop_table("followers")
