"""each username's confusable skeleton, indexed, so a look-alike name is found in one lookup

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from app.models.username import skeleton

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Rows written per statement while the skeletons of existing users are computed.
BATCH = 1000


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("username_skeleton", sa.String(length=512), nullable=True))

    user = sa.table(
        "user", sa.column("id", sa.Integer), sa.column("username"), sa.column("username_skeleton")
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(user.c.id, user.c.username)).all()
    fill = (
        sa.update(user)
        .where(user.c.id == sa.bindparam("user_id"))
        .values(username_skeleton=sa.bindparam("value"))
    )
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        connection.execute(fill, [{"user_id": id, "value": skeleton(name)} for id, name in batch])

    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column(
            "username_skeleton", existing_type=sa.String(length=512), nullable=False
        )
        batch_op.create_index("ix_user_username_skeleton", ["username_skeleton"], unique=False)


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_index("ix_user_username_skeleton")
        batch_op.drop_column("username_skeleton")
