"""images attached to posts (post_image) and each post's image count

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "post_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("thumbnail_key", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumbnail_width", sa.Integer(), nullable=False),
        sa.Column("thumbnail_height", sa.Integer(), nullable=False),
        sa.Column("alt", sa.String(length=1500), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_post_image_post_id_post"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_image")),
    )
    op.create_index("ix_post_image_post_id_position", "post_image", ["post_id", "position"])
    # Not batch_alter_table: rebuilding post on SQLite would drop 0004's search triggers.
    op.add_column(
        "post", sa.Column("image_count", sa.Integer(), server_default="0", nullable=False)
    )


def downgrade():
    op.drop_column("post", "image_count")  # SQLite 3.35+ drops a column in place
    op.drop_table("post_image")  # with its index (MariaDB refuses to drop it alone: the FK uses it)
