"""passkeys: each user's WebAuthn credentials (id, public key, signature counter,
transports), named by their owner

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# MariaDB indexes only a VARBINARY, not a BLOB; WebAuthn caps credential ids at 1023 bytes.
CREDENTIAL_ID = sa.LargeBinary(1023).with_variant(mysql.VARBINARY(1023), "mysql", "mariadb")


def upgrade():
    op.create_table(
        "passkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", CREDENTIAL_ID, nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("transports", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("last_used_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_passkey_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passkey")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_passkey_credential_id")),
    )
    op.create_index(op.f("ix_passkey_user_id"), "passkey", ["user_id"])


def downgrade():
    # The table takes its indexes with it (MariaDB refuses to drop one its foreign key uses).
    op.drop_table("passkey")
