"""post_image.source_url: the address a remote post's image was fetched from, so that an Update
of its Note fetches the images again only when its attachments changed (NULL for uploads, and
for the images fetched before: the first Update of their post fetches them again)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("post_image") as batch_op:
        batch_op.add_column(sa.Column("source_url", sa.String(length=2048), nullable=True))


def downgrade():
    with op.batch_alter_table("post_image") as batch_op:
        batch_op.drop_column("source_url")
