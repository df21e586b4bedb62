"""each API token keeps the password it was issued under, so a new password revokes it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # NULL for the tokens already issued: they are refused, and a client asks for a new one.
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.add_column(sa.Column("password_fingerprint", sa.String(32), nullable=True))


def downgrade():
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.drop_column("password_fingerprint")
