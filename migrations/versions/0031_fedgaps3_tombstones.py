"""tombstone: the ids of Notes from other servers deleted by their authors, and of accounts
deleted there, with when, so that a deleted post is never made again by a late Create, an
Update or a boost (pruned after FEDERATION_TOMBSTONE_DAYS)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# A key: 512 four-byte characters are within MariaDB's 3072-byte keys.
URI = sa.String(length=512)


def upgrade():
    op.create_table(
        "tombstone",
        sa.Column("uri", URI, nullable=False),
        sa.Column("deleted_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("uri", name=op.f("pk_tombstone")),
    )
    op.create_index(op.f("ix_tombstone_deleted_at"), "tombstone", ["deleted_at"])


def downgrade():
    op.drop_index(op.f("ix_tombstone_deleted_at"), table_name="tombstone")
    op.drop_table("tombstone")
