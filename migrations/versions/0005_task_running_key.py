"""one running task of a kind per user, enforced by a unique key

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("task") as batch_op:
        batch_op.add_column(sa.Column("running_key", sa.String(length=160), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_task_running_key"), ["running_key"])
    # Tasks already running keep running_key NULL: launch_task still finds them through
    # Task.in_progress, so they block a second export as before.


def downgrade():
    with op.batch_alter_table("task") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_task_running_key"), type_="unique")
        batch_op.drop_column("running_key")
