"""when each user confirmed their email address: NULL until then; users already signed up
count as confirmed since they signed up

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", UTC_DATETIME, nullable=True))
    user = sa.table("user", sa.column("created_at"), sa.column("confirmed_at"))
    op.execute(user.update().values(confirmed_at=user.c.created_at))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("confirmed_at")
