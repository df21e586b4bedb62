"""drop user.session_generation: the login_session records (0012) end sessions now; a
two_factor_setup table keeps a secret being set up on the server, out of the cookie;
user.theme keeps the colour theme a user picked, for every device they sign in on

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade():
    # A login id still carrying a generation (id:generation:fingerprint:session) keeps
    # loading (app/models/lookups.py): nobody is signed out by this upgrade.
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("session_generation")
        # NULL: never picked (the browser's cookie, else the system's setting).
        batch_op.add_column(sa.Column("theme", sa.String(length=8), nullable=True))
    op.create_table(
        "two_factor_setup",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("login_session_id", sa.String(length=32), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_two_factor_setup_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_two_factor_setup")),
    )


def downgrade():
    # A secret half set up is dropped: that enrolment starts again, with a new one.
    op.drop_table("two_factor_setup")
    # Everyone starts again at 0, the login ids written since carry none: they sign in again.
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("theme")
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
