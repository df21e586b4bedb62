"""direct messages across servers and the site's own actor: user.fediverse_messages (a user's
messages to other servers go out only once they opt in), message.uri (the Note id of a
message from another server, which its Delete names) and instance_key, the key pair of the
site's actor that signs what the site fetches

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(
            sa.Column("fediverse_messages", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("message") as batch_op:
        # 512: indexed on MariaDB, whose keys hold at most 3072 bytes.
        batch_op.add_column(sa.Column("uri", sa.String(length=512), nullable=True))
        batch_op.create_index(batch_op.f("ix_message_uri"), ["uri"])
    op.create_table(
        "instance_key",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instance_key")),
    )


def downgrade():
    # The site's key goes: the next upgrade makes a new one, which servers fetch again.
    op.drop_table("instance_key")
    # Messages from other servers stay, without their Note ids.
    with op.batch_alter_table("message") as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_uri"))
        batch_op.drop_column("uri")
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("fediverse_messages")
