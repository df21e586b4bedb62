"""domain moderation: the admins' domain_block (block or silence a server), each user's
user_domain_block, remote_actor.domain (filled in from the accounts' handles), the actors'
name and icon_url, moderation_log.target_domain; retired_key, the keys kept to sign the Delete
of an account deleted or suspended

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
DOMAIN = sa.String(length=255)


def fill_in_domains() -> None:
    """Each remote actor's server: the host[:port] its account's handle (name@host) ends with."""
    bind = op.get_bind()
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("username", sa.String))
    actor = sa.table(
        "remote_actor",
        sa.column("id", sa.Integer),
        sa.column("user_id", sa.Integer),
        sa.column("domain", sa.String),
    )
    rows = bind.execute(
        sa.select(actor.c.id, user.c.username).join(user, user.c.id == actor.c.user_id)
    ).all()
    if rows:
        bind.execute(
            actor.update().where(actor.c.id == sa.bindparam("actor_id")),
            [{"actor_id": id, "domain": name.rpartition("@")[2]} for id, name in rows],
        )


def upgrade():
    with op.batch_alter_table("remote_actor") as batch_op:
        batch_op.add_column(sa.Column("domain", DOMAIN, nullable=True))
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("icon_url", sa.String(length=2048), nullable=True))
    fill_in_domains()
    with op.batch_alter_table("remote_actor") as batch_op:
        batch_op.alter_column("domain", existing_type=DOMAIN, nullable=False)
        batch_op.create_index(batch_op.f("ix_remote_actor_domain"), ["domain"])
    with op.batch_alter_table("moderation_log") as batch_op:
        batch_op.add_column(sa.Column("target_domain", DOMAIN, nullable=True))
    op.create_table(
        "domain_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", DOMAIN, nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("since", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_block")),
        sa.UniqueConstraint("domain", name=op.f("uq_domain_block_domain")),
    )
    op.create_table(
        "user_domain_block",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("domain", DOMAIN, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_user_domain_block_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "domain", name=op.f("pk_user_domain_block")),
    )
    op.create_table(
        "retired_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=512), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retired_key")),
    )
    op.create_index(op.f("ix_retired_key_expires_at"), "retired_key", ["expires_at"])


def downgrade():
    # The rules go; accounts a block suspended stay suspended (an admin lifts each), and the
    # log keeps its entries without the servers they named. Each user's count of blocks
    # (user.block_total) loses the servers they blocked.
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("block_total", sa.Integer))
    blocked = sa.table("user_domain_block", sa.column("user_id", sa.Integer))
    servers = (
        sa.select(sa.func.count())
        .select_from(blocked)
        .where(blocked.c.user_id == user.c.id)
        .scalar_subquery()
    )
    op.execute(
        user.update()
        .where(user.c.id.in_(sa.select(blocked.c.user_id)))
        .values(block_total=user.c.block_total - servers)
    )
    op.drop_table("retired_key")
    op.drop_table("user_domain_block")
    op.drop_table("domain_block")
    with op.batch_alter_table("moderation_log") as batch_op:
        batch_op.drop_column("target_domain")
    with op.batch_alter_table("remote_actor") as batch_op:
        batch_op.drop_index(batch_op.f("ix_remote_actor_domain"))
        batch_op.drop_column("icon_url")
        batch_op.drop_column("name")
        batch_op.drop_column("domain")
