"""drop user.session_generation: the login_session records (0012) end sessions now

Revision ID: 0021
Revises: 0015
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    # A login id still carrying a generation (id:generation:fingerprint:session) keeps
    # loading (app/models/lookups.py): nobody is signed out by this upgrade.
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("session_generation")


def downgrade():
    # Everyone starts again at 0, the login ids written since carry none: they sign in again.
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
