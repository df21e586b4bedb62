"""logout and a new password end what they should: each user has a session generation (part
of the login id, raised at logout) and each API token the password it was issued under

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
    # Existing users start at 0 (sessions from before end once: the login id's form changes).
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
    # NULL for the tokens already issued: they are refused, and a client asks for a new one.
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.add_column(sa.Column("password_fingerprint", sa.String(32), nullable=True))


def downgrade():
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.drop_column("password_fingerprint")
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("session_generation")
