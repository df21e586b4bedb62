"""A thread's page through statements built once: the keys of the posts a post answers and
of its replies (app/models/thread.py's queries), and the page's rows by id; the reply tree of
a post that answers none from its conversation's index range, its shape kept per process.

Speeds up a post's page over Post.ancestor_ids(), Post.reply_tree() and loading Post objects
(how much: benchmarks/README.md). Breaks if these stop being the plain thread's, or if a reply
is ever stored without its conversation_id: tests/test_speedups.py and
tests/models/test_thread.py compare them.
"""

import threading
from collections import OrderedDict
from typing import Any, NamedTuple

from sqlalchemy import Integer, Row, Select, bindparam, select, type_coerce
from sqlalchemy.types import NullType

from app.database import READS_ONLY
from app.extensions import db
from app.models import Post
from app.models.thread import (
    ancestors_query,
    conversation_of,
    hidden_from,
    reading_order,
    replies_query,
)
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


def tree_rows(source: Any) -> Select:
    """(id, parent id, time, hidden, author id) of `source`'s rows, as reading_order and
    hidden_from read them. Each time as the database gives it, only to order siblings:
    SQLite's text sorts as the times do, and a long thread's hundreds of times are not parsed
    into datetimes."""
    time = type_coerce(source.timestamp, NullType)
    return select(source.id, source.in_reply_to_id, time, source.hidden, source.user_id)


_REPLIES = tree_rows(replies_query(Post, bindparam("post", type_=Integer)).selected_columns)


def ancestor_ids(post: Post) -> list[int]:
    """post.ancestor_ids(), from a statement built once, on the session's connection."""
    if post.in_reply_to_id is None:
        return []
    params = {"post": post.in_reply_to_id}
    connection = db.session.connection()
    return list(connection.execute(_ANCESTORS, params, execution_options=READS_ONLY).scalars())


def reply_tree(post: Post, reader: Any = None) -> list[tuple[int, int]]:
    """post.reply_tree(reader): a post answering none from its conversation (kept_tree), a
    reply, usually with few replies under it, by the recursive statement."""
    if post.in_reply_to_id is None:
        return kept_tree(post, reader)
    connection = db.session.connection()
    rows = connection.execute(_REPLIES, {"post": post.id}, execution_options=READS_ONLY).all()
    return reading_order(post.id, rows, hidden_from(rows, reader))


# A conversation's posts (ThreadMixin.conversation_id): their ids and hidden flags, read on
# every view from the index alone; and their tree rows, read when the ids differ from those
# kept (a reply came, or went). Nothing else of a row changes.
_CONVERSATION_KEYS = (
    select(Post.id, Post.hidden)
    .where(Post.conversation_id == bindparam("conversation", type_=Integer))
    .order_by(Post.id)
)
_CONVERSATION_ROWS = tree_rows(Post).where(
    Post.conversation_id == bindparam("conversation", type_=Integer)
)
# How many replies each process keeps the shapes of (a few MB), of the conversations read last.
KEPT_REPLIES = 50_000


class Conversation(NamedTuple):
    ids: tuple[int, ...]
    rows: dict[int, Any]  # by id: (id, parent id, time, hidden, author id) as read
    orders: dict[int, list[tuple[int, int]]]  # a post's replies in reading order, none left out


_kept: OrderedDict[int, Conversation] = OrderedDict()
_kept_replies = 0  # len(rows) of every conversation kept
_keeping = threading.Lock()  # `flask run` serves in threads


def kept_tree(post: Post, reader: Any = None) -> list[tuple[int, int]]:
    """post.reply_tree(reader) for a post answering none: every reply under it shares its
    conversation, whose shape is kept while the same posts are in it."""
    key = conversation_of(post)
    connection = db.session.connection()
    params = {"conversation": key}
    read = connection.execute(_CONVERSATION_KEYS, params, execution_options=READS_ONLY).all()
    if not read:
        return []
    hidden_now = dict(read)  # by id, ascending
    conversation = _kept.get(key)
    if conversation is None or conversation.ids != tuple(hidden_now):
        found = connection.execute(_CONVERSATION_ROWS, params, execution_options=READS_ONLY)
        rows = {row[0]: row for row in found}
        conversation = Conversation(tuple(sorted(rows)), rows, {})
        hidden_now = {id_: rows[id_][3] for id_ in conversation.ids}
    keep(key, conversation)
    order = conversation.orders.get(post.id)
    if order is None:
        order = conversation.orders[post.id] = reading_order(post.id, conversation.rows.values())
    # hidden_from reads a row's id, hidden flag (as read now) and author; the rows of authors
    # the reader filters only matter to one who filters any.
    every = bool(getattr(reader, "block_total", None))
    rows = conversation.rows
    now = [
        (id_, None, None, hidden, rows[id_][4])
        for id_, hidden in hidden_now.items()
        if hidden or every
    ]
    leave_out = hidden_from(now, reader)
    return [entry for entry in order if entry[0] not in leave_out]


def keep(key: int, conversation: Conversation) -> None:
    """Keep `conversation` as the last read, forgetting the least recently read ones past
    KEPT_REPLIES replies in all (the last read is kept whatever its size)."""
    global _kept_replies
    with _keeping:
        replaced = _kept.pop(key, None)
        _kept[key] = conversation
        _kept_replies += len(conversation.rows) - (len(replaced.rows) if replaced else 0)
        while _kept_replies > KEPT_REPLIES and len(_kept) > 1:
            _, forgotten = _kept.popitem(last=False)
            _kept_replies -= len(forgotten.rows)
