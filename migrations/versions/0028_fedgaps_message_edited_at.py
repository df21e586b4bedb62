"""message.edited_at: when a message from another server was last edited (an Update of its
direct Note), shown as "edited"

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade():
    with op.batch_alter_table("message") as batch_op:
        batch_op.add_column(sa.Column("edited_at", UTC_DATETIME, nullable=True))


def downgrade():
    with op.batch_alter_table("message") as batch_op:
        batch_op.drop_column("edited_at")
