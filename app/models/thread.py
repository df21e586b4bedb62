"""A post's conversation: the posts it answers, oldest first, and the replies under it in
reading order (each post followed by its replies, oldest first), read with recursive CTEs."""

from collections import defaultdict
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Select, event, func, literal_column, select
from sqlalchemy.orm import Mapped, aliased, mapped_column

from app.database import READS_ONLY
from app.extensions import db

ONE = literal_column("1", Integer)


class ThreadMixin:
    """Post's thread verbs: ancestor_ids() and reply_tree(); and its conversation_id."""

    if TYPE_CHECKING:  # what the mixin uses of Post
        id: Mapped[int]
        in_reply_to_id: Mapped[int | None]

    # A reply's conversation: the id of the first post of the thread it was written in (the
    # answered post's conversation_id, else that post's id); NULL on a post that answers none.
    # Set once, at insert, and kept when a post above it is deleted, so every reply under a
    # post P has coalesce(P.conversation_id, P.id): one index range holds P's whole tree
    # (app/speedups/threads.py reads it so). No foreign key: the first post may be deleted.
    conversation_id: Mapped[int | None] = mapped_column(Integer)

    def ancestor_ids(self) -> list[int]:
        """The ids of the posts this one answers, the conversation's first post first."""
        if self.in_reply_to_id is None:
            return []
        query = ancestors_query(type(self), self.in_reply_to_id)
        return list(db.session.scalars(query, execution_options=READS_ONLY))

    def reply_tree(self, reader: Any = None) -> list[tuple[int, int]]:
        """(id, depth) of every reply under this post that `reader` may see, depth 1 for a
        direct reply, in reading order: each reply is followed by its own replies before the
        next one (those of a reply hidden from the reader too)."""
        query = replies_query(type(self), self.id)
        rows = db.session.execute(query, execution_options=READS_ONLY).all()
        return reading_order(self.id, rows, hidden_from(rows, reader))


@event.listens_for(ThreadMixin, "before_insert", propagate=True)
def _join_the_conversation(mapper, connection, post) -> None:
    """A new reply takes the conversation of the post it answers, whichever way it is made."""
    if post.in_reply_to_id is not None and post.conversation_id is None:
        table = mapper.local_table
        conversation = func.coalesce(table.c.conversation_id, table.c.id)
        query = select(conversation).where(table.c.id == post.in_reply_to_id)
        post.conversation_id = connection.scalar(query)


def conversation_of(post: Any) -> int:
    """The conversation holding every reply under `post` (ThreadMixin.conversation_id)."""
    return post.conversation_id if post.conversation_id is not None else post.id


def ancestors_query(post: Any, parent_id: Any) -> Select:
    """The ids of post `parent_id` and of the posts it answers, nearest last."""
    up = (
        select(post.id, post.in_reply_to_id, ONE.label("distance"))
        .where(post.id == parent_id)
        .cte("ancestor", recursive=True)
    )
    parent = aliased(post)
    up = up.union_all(
        select(parent.id, parent.in_reply_to_id, up.c.distance + ONE).where(
            parent.id == up.c.in_reply_to_id
        )
    )
    return select(up.c.id).order_by(up.c.distance.desc())


def replies_query(post: Any, root_id: Any) -> Select:
    """(id, parent id, timestamp, hidden, author id) of every reply under post `root_id`, in no
    order."""
    down = (
        select(post.id, post.in_reply_to_id, post.timestamp, post.hidden, post.user_id)
        .where(post.in_reply_to_id == root_id)
        .cte("reply", recursive=True)
    )
    child = aliased(post)
    down = down.union_all(
        select(child.id, child.in_reply_to_id, child.timestamp, child.hidden, child.user_id).where(
            child.in_reply_to_id == down.c.id
        )
    )
    return select(down)


def hidden_from(rows, reader: Any) -> set[int]:
    """The ids of the rows of replies_query `reader` may not see: a hidden post only its
    author and the admins may (as app/models/moderation.py's visible_post); and they are not
    shown the replies of authors they block or mute, or of a server they block."""
    reader_id = getattr(reader, "id", None)
    hidden = set()
    if not getattr(reader, "is_admin", False):
        hidden = {row[0] for row in rows if row[3] and row[4] != reader_id}
    if rows and getattr(reader, "block_total", None):
        filtered = reader.filtered_author_ids()
        hidden |= {row[0] for row in rows if row[4] in filtered}
    return hidden


def reading_order(root: int, rows, leave_out: set[int] | None = None) -> list[tuple[int, int]]:
    """Depth-first order of (id, parent id, timestamp) rows under `root`, siblings oldest first,
    less the ids `leave_out` (their replies stay)."""
    children: dict[int, list[int]] = defaultdict(list)
    # Sorted once, the siblings come out oldest first under each parent.
    for row in sorted(rows, key=itemgetter(2, 0)):
        children[row[1]].append(row[0])
    leave_out = leave_out or set()
    order: list[tuple[int, int]] = []
    stack = [(id_, 1) for id_ in reversed(children[root])]
    while stack:
        id_, depth = stack.pop()
        if id_ not in leave_out:
            order.append((id_, depth))
        if id_ in children:
            stack.extend([(child, depth + 1) for child in reversed(children[id_])])
    return order
