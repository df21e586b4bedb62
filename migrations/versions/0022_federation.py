"""federation (ActivityPub): remote accounts as users with no email (user.email may be NULL)
and a remote_actor row each; every local user's actor_key; follow_request, the follows
awaiting approval (user.approve_followers); inbox_activity, the ids of activities received

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Naive UTC, as in 0001; MariaDB/MySQL keep microseconds only when asked (DATETIME(6)).
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# Indexed addresses: 512 four-byte characters are within MariaDB's 3072-byte keys.
URI = sa.String(length=512)
URL = sa.String(length=2048)


def user_fk(table: str, column: str = "user_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"), ondelete="CASCADE"
    )


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=120), nullable=True)
        batch_op.add_column(
            sa.Column("approve_followers", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "remote_actor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("uri", URI, nullable=False),
        sa.Column("inbox", URL, nullable=False),
        sa.Column("shared_inbox", URL, nullable=True),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("key_id", URI, nullable=False),
        sa.Column("fetched_at", UTC_DATETIME, nullable=False),
        sa.Column("profile_url", URL, nullable=True),
        user_fk("remote_actor"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remote_actor")),
        sa.UniqueConstraint("user_id", name=op.f("uq_remote_actor_user_id")),
        sa.UniqueConstraint("uri", name=op.f("uq_remote_actor_uri")),
    )
    op.create_index(op.f("ix_remote_actor_key_id"), "remote_actor", ["key_id"])
    op.create_table(
        "actor_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        user_fk("actor_key"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_key")),
    )
    op.create_index(op.f("ix_actor_key_user_id"), "actor_key", ["user_id"])
    op.create_table(
        "follow_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follower_id", sa.Integer(), nullable=False),
        sa.Column("followed_id", sa.Integer(), nullable=False),
        sa.Column("activity_uri", URI, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        user_fk("follow_request", "follower_id"),
        user_fk("follow_request", "followed_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_request")),
        sa.UniqueConstraint(
            "follower_id", "followed_id", name=op.f("uq_follow_request_follower_id")
        ),
    )
    op.create_index(op.f("ix_follow_request_followed_id"), "follow_request", ["followed_id"])
    op.create_index(op.f("ix_follow_request_activity_uri"), "follow_request", ["activity_uri"])
    op.create_table(
        "inbox_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", URI, nullable=False),
        sa.Column("received_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_activity")),
        sa.UniqueConstraint("activity_id", name=op.f("uq_inbox_activity_activity_id")),
    )
    op.create_index(op.f("ix_inbox_activity_received_at"), "inbox_activity", ["received_at"])


def delete_referencing_rows(bind, table: str, keys: sa.Select) -> None:
    """Do what the foreign keys' ON DELETE would do to the rows referencing the rows of
    `table` whose primary key is among `keys`: delete them (and theirs), or set NULL."""
    inspector = sa.inspect(bind)
    for child in inspector.get_table_names():
        for foreign_key in inspector.get_foreign_keys(child):
            if foreign_key["referred_table"] != table:
                continue
            (column,) = foreign_key["constrained_columns"]
            rows = sa.table(child, sa.column(column))
            referencing = rows.c[column].in_(keys)
            if foreign_key["options"].get("ondelete") == "SET NULL":
                bind.execute(rows.update().where(referencing).values({column: None}))
                continue
            primary_key = inspector.get_pk_constraint(child)["constrained_columns"]
            if len(primary_key) == 1:
                key = sa.table(child, sa.column(primary_key[0]), sa.column(column))
                child_keys = sa.select(key.c[primary_key[0]]).where(key.c[column].in_(keys))
                delete_referencing_rows(bind, child, child_keys)
            bind.execute(rows.delete().where(referencing))


def downgrade():
    # The tables take their indexes with them (MariaDB refuses to drop one a foreign key uses).
    op.drop_table("inbox_activity")
    op.drop_table("follow_request")
    op.drop_table("actor_key")
    op.drop_table("remote_actor")
    # The accounts of other servers go (with their posts and follows): the older schema has
    # no place for a user without an email. Local keys are lost; new ones are made later.
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("email", sa.String))
    remote = sa.select(user.c.id).where(user.c.email.is_(None))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Migrations run with SQLite's foreign keys paused (migrations/env.py): no cascade.
        delete_referencing_rows(bind, "user", remote)
    op.execute(user.delete().where(user.c.email.is_(None)))
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("approve_followers")
        batch_op.alter_column("email", existing_type=sa.String(length=120), nullable=False)
