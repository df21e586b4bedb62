"""post.uri: the Note id of a post that came from another server (NULL for the site's own),
which the Updates, Deletes, likes and boosts sent about it name

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        # 512: indexed on MariaDB, whose keys hold at most 3072 bytes.
        batch_op.add_column(sa.Column("uri", sa.String(length=512), nullable=True))
        batch_op.create_index(batch_op.f("ix_post_uri"), ["uri"], unique=True)


def downgrade():
    # Posts from other servers stay, as posts of their remote authors with no Note id.
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_uri"))
        batch_op.drop_column("uri")
