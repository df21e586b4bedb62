"""post.note_updated_at: for a post from another server, when the version of its Note kept
here was written (its `updated`, else its `published`, by that server's clock), so that a
Create or Update arriving late with an older version does not overwrite a newer one (NULL
for local posts, and for the remote ones kept before: their next Update is taken as newer)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.add_column(sa.Column("note_updated_at", UTC_DATETIME, nullable=True))


def downgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_column("note_updated_at")
