"""post.conversation_id: a reply's conversation, the id of the first post of the thread it
was written in, so that a thread page reads a post's whole reply tree from one index range;
filled in for the replies there are, from the posts they answer

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
    post = sa.table(
        "post",
        sa.column("id", sa.Integer),
        sa.column("in_reply_to_id", sa.Integer),
        sa.column("conversation_id", sa.Integer),
    )
    connection = op.get_bind()
    answers = dict(
        connection.execute(
            sa.select(post.c.id, post.c.in_reply_to_id).where(post.c.in_reply_to_id.is_not(None))
        ).all()
    )
    # Worked out here, not in SQL: MariaDB cannot UPDATE a table from a subquery on itself.
    rows = [{"reply": reply, "first": first} for reply, first in first_posts(answers).items()]
    fill = (
        post.update()
        .where(post.c.id == sa.bindparam("reply"))
        .values(conversation_id=sa.bindparam("first"))
    )
    for start in range(0, len(rows), BATCH):
        connection.execute(fill, rows[start : start + BATCH])
    op.create_index(
        op.f("ix_post_conversation_id_id_hidden"), "post", ["conversation_id", "id", "hidden"]
    )


def first_posts(answers: dict[int, int]) -> dict[int, int]:
    """For each reply of `answers` (reply -> the post it answers), the post at the top of its
    thread: one that answers none (a deleted post's replies answer none)."""
    first: dict[int, int] = {}
    for reply in answers:
        path, post = [], reply
        while post in answers and post not in first and len(path) <= len(answers):
            path.append(post)
            post = answers[post]
        top = first.get(post, post)
        for each in path:
            first[each] = top
    return first


def downgrade():
    op.drop_index(op.f("ix_post_conversation_id_id_hidden"), table_name="post")
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_column("conversation_id")
