"""each follow keeps the time of the followed user's newest post, indexed per follower

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Naive UTC; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade():
    with op.batch_alter_table("followers") as batch_op:
        batch_op.add_column(sa.Column("followed_last_post_at", UTC_DATETIME, nullable=True))
    # Filled from the posts already there; the app keeps it from now on (NULL would also be
    # correct, only slower: the timeline reads every author whose value is unknown).
    followers = sa.table(
        "followers", sa.column("followed_id"), sa.column("followed_last_post_at")
    )
    post = sa.table("post", sa.column("user_id"), sa.column("timestamp"))
    newest = (
        sa.select(sa.func.max(post.c.timestamp))
        .where(post.c.user_id == followers.c.followed_id)
        .scalar_subquery()
    )
    op.execute(followers.update().values(followed_last_post_at=newest))
    # Built after the fill, in one pass, rather than kept up to date row by row during it.
    with op.batch_alter_table("followers") as batch_op:
        batch_op.create_index(
            "ix_followers_follower_id_followed_last_post_at",
            ["follower_id", "followed_last_post_at", "followed_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("followers") as batch_op:
        batch_op.drop_index("ix_followers_follower_id_followed_last_post_at")
        batch_op.drop_column("followed_last_post_at")
