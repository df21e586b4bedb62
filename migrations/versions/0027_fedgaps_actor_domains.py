"""actor_domain: each remote account's server and every domain above it (social.example.com:
it, example.com and com), filled in from remote_actor.domain, so that a domain rule of the
admins or of a user covers the server's subdomains by an equality join

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

DOMAIN = sa.String(length=255)
BATCH = 10_000


def domain_and_parents(domain: str) -> list[str]:
    """app/models/remote_actor.py's, as it was when this migration was written."""
    host, colon, port = domain.partition(":")
    labels = host.split(".")
    if labels[-1].isdigit() or not all(labels):
        return [domain]
    return [".".join(labels[start:]) + colon + port for start in range(len(labels))]


def fill_in() -> None:
    bind = op.get_bind()
    actor = sa.table("remote_actor", sa.column("user_id", sa.Integer), sa.column("domain", DOMAIN))
    rows = sa.table("actor_domain", sa.column("user_id", sa.Integer), sa.column("domain", DOMAIN))
    batch: list[dict] = []
    for user_id, domain in bind.execute(sa.select(actor.c.user_id, actor.c.domain)).all():
        batch += [{"user_id": user_id, "domain": name} for name in domain_and_parents(domain)]
        if len(batch) >= BATCH:
            bind.execute(rows.insert(), batch)
            batch = []
    if batch:
        bind.execute(rows.insert(), batch)


def upgrade():
    op.create_table(
        "actor_domain",
        sa.Column("domain", DOMAIN, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_actor_domain_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("domain", "user_id", name=op.f("pk_actor_domain")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_actor_domain_user_id"), "actor_domain", ["user_id"])
    fill_in()


def downgrade():
    op.drop_table("actor_domain")  # its index with it (MariaDB keeps one a foreign key needs)
