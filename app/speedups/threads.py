"""A thread's page through statements built once: the keys of the posts a post answers and
of its replies (app/models/thread.py's queries), and the page's rows by id.

Speeds up a post's page over Post.ancestor_ids(), Post.reply_tree() and loading Post objects
(how much: benchmarks/README.md). Breaks if these stop being the plain thread's:
tests/test_speedups.py and tests/models/test_thread.py compare them.
"""

from typing import Any

from sqlalchemy import Integer, Row, bindparam, select, type_coerce
from sqlalchemy.types import NullType

from app.database import READS_ONLY
from app.extensions import db
from app.models import Post
from app.models.thread import ancestors_query, hidden_from, reading_order, replies_query
from app.speedups.page_queries import rows_of_page

# The page-query rows of the posts whose ids are the list parameter `ids`, built once.
_ROWS_BY_ID = rows_of_page(
    select(Post.id, Post.timestamp)
    .where(Post.id.in_(bindparam("ids", expanding=True)))
    .subquery("page")
)


def rows_by_id(ids: list[int], reader: Any = None) -> dict[int, Row]:
    """The page-query rows of the posts `ids` (those that exist), by id, with `reader`'s likes
    and boosts of them (READER_COLUMNS): a thread's page."""
    connection = db.session.connection()
    params = {"ids": ids, "reader": getattr(reader, "id", None) or 0}
    rows = connection.execute(_ROWS_BY_ID, params, execution_options=READS_ONLY)
    return {row.id: row for row in rows}


# A thread's keys (app/models/thread.py's queries), statements built once.
_ANCESTORS = ancestors_query(Post, bindparam("post", type_=Integer))
_TREE = replies_query(Post, bindparam("post", type_=Integer)).selected_columns
# Each reply's time as the database gives it, only to order siblings: SQLite's text sorts as
# the times do, and a long thread's hundreds of times are not parsed into datetimes.
_REPLIES = select(
    _TREE.id,
    _TREE.in_reply_to_id,
    type_coerce(_TREE.timestamp, NullType),
    _TREE.hidden,
    _TREE.user_id,
)


def ancestor_ids(post: Post) -> list[int]:
    """post.ancestor_ids(), from a statement built once, on the session's connection."""
    if post.in_reply_to_id is None:
        return []
    params = {"post": post.in_reply_to_id}
    connection = db.session.connection()
    return list(connection.execute(_ANCESTORS, params, execution_options=READS_ONLY).scalars())


def reply_tree(post: Post, reader: Any = None) -> list[tuple[int, int]]:
    """post.reply_tree(reader), from a statement built once, on the session's connection."""
    connection = db.session.connection()
    rows = connection.execute(_REPLIES, {"post": post.id}, execution_options=READS_ONLY).all()
    return reading_order(post.id, rows, hidden_from(rows, reader))
