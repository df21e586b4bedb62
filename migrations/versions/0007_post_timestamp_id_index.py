"""everyone's posts newest first from one index: post (timestamp, id) replaces post (timestamp)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # Built before the old one goes, so the explore page is never without an index.
    with op.batch_alter_table("post") as batch_op:
        batch_op.create_index("ix_post_timestamp_id", ["timestamp", "id"], unique=False)
        batch_op.drop_index("ix_post_timestamp")


def downgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.create_index("ix_post_timestamp", ["timestamp"], unique=False)
        batch_op.drop_index("ix_post_timestamp_id")
