"""two-factor authentication: each user's TOTP secret and last used step, and their
single-use recovery codes (hashed)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["user.id"], name=op.f(f"fk_{table}_user_id_user"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "two_factor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("last_used_step", sa.Integer(), nullable=True),
        sa.Column("enabled_at", UTC_DATETIME, nullable=False),
        user_fk("two_factor"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_two_factor")),
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        user_fk("recovery_code"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    with op.batch_alter_table("recovery_code") as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_user_id"), ["user_id"], unique=False)


def downgrade():
    # Dropping a table drops its indexes (dropping them first fails on MariaDB, where they
    # back the foreign keys).
    op.drop_table("recovery_code")
    op.drop_table("two_factor")
