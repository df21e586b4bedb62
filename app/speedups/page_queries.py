"""Pages of posts with their authors as plain rows, cut from an index of their keys.

Speeds up the timeline, explore, profile and search pages over paginating ORM Post objects
(how much: benchmarks/README.md): statements built once and run with parameters, rows
instead of objects, deep pages skipped in the index. Breaks if a page query's order stops
matching its plain definition's (timestamp, then id, newest first): tests/main/test_page_queries.py.
"""

from functools import cache

from sqlalchemy import (
    BindParameter,
    FromClause,
    Integer,
    Row,
    Select,
    Subquery,
    bindparam,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from app.database import READS_ONLY
from app.extensions import db
from app.models.followers import followers
from app.models.post import Post
from app.models.thread import ancestors_query, reading_order, replies_query
from app.models.user import User
from app.pagination import Page, page_of_rows
from app.speedups import timeline as merged

# A 1 written into the SQL, as PostgreSQL gets the LIMIT and OFFSET (limit_and_offset).
LITERAL_ONE = literal_column("1", Integer)


@cache
def limit_and_offset(dialect: str) -> tuple[BindParameter, BindParameter]:
    """The LIMIT and OFFSET of a page query, given when it runs (fetch_page).

    PostgreSQL gets them written into the SQL, so that the one generic plan it keeps per
    statement is made for the real numbers. Elsewhere they stay parameters: writing them in
    means searching the whole statement on every run, which costs SQLite's hundred-arm
    timeline more than it saves.
    """
    literal = dialect == "postgresql"
    return (
        bindparam("page_limit", type_=Integer, literal_execute=literal),
        bindparam("page_offset", type_=Integer, literal_execute=literal),
    )


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def page_query(posts: Select, dialect: str | None = None) -> Select:
    """One page of `posts` (a select of Post in order), each row with its author's username
    and email.

    The page is cut from the posts' keys alone, which an index holds in order: the rows
    skipped to reach a deep page are index entries, not posts, and only the page's rows are
    read.
    """
    limit, offset = limit_and_offset(dialect or _dialect())
    keys = posts.with_only_columns(Post.id, Post.timestamp)
    return rows_of_page(keys.limit(limit).offset(offset).subquery("page"))


def rows_of_page(page: Subquery) -> Select:
    """The posts of `page`, a page of post keys (id, timestamp) already cut, in its order,
    each with its author's username and email."""
    return (
        select(Post.id, Post.body, Post.timestamp, Post.language, User.username, User.email)
        .add_columns(*_reply_columns())
        .join(page, Post.id == page.c.id)
        .join(User, User.id == Post.user_id)
        .outerjoin(PARENT, PARENT.id == Post.in_reply_to_id)
        .outerjoin(PARENT_AUTHOR, PARENT_AUTHOR.id == PARENT.user_id)
        .order_by(page.c.timestamp.desc(), page.c.id.desc())
    )


# Replies (issue 19): what main/_post.html shows of the answered post, and "edited".
PARENT, PARENT_AUTHOR = aliased(Post, name="parent"), aliased(User, name="parent_author")


def _reply_columns() -> tuple:
    return (
        Post.in_reply_to_id,
        Post.is_reply,
        Post.edited_at,
        PARENT_AUTHOR.username.label("in_reply_to_username"),
    )


def rows_by_id(ids: list[int]) -> dict[int, Row]:
    """The page-query rows of the posts `ids` (those that exist), by id: a thread's page."""
    page = select(Post.id, Post.timestamp).where(Post.id.in_(ids)).subquery("page")
    rows = db.session.connection().execute(rows_of_page(page), execution_options=READS_ONLY)
    return {row.id: row for row in rows}


# A thread's keys (app/models/thread.py's queries), statements built once.
_ANCESTORS = ancestors_query(Post, bindparam("post", type_=Integer))
_REPLIES = replies_query(Post, bindparam("post", type_=Integer))


def ancestor_ids(post: Post) -> list[int]:
    """post.ancestor_ids(), from a statement built once, on the session's connection."""
    if post.in_reply_to_id is None:
        return []
    params = {"post": post.in_reply_to_id}
    connection = db.session.connection()
    return list(connection.execute(_ANCESTORS, params, execution_options=READS_ONLY).scalars())


def reply_tree(post: Post) -> list[tuple[int, int]]:
    """post.reply_tree(), from a statement built once, on the session's connection."""
    connection = db.session.connection()
    rows = connection.execute(_REPLIES, {"post": post.id}, execution_options=READS_ONLY).all()
    return reading_order(post.id, rows)


def explore_page_query() -> Select:
    """Everyone's posts."""
    return _explore_page_query(_dialect())


@cache
def _explore_page_query(dialect: str) -> Select:
    return page_query(Post.newest_first(), dialect)


def author_page_query() -> Select:
    """The posts of the user whose id is the parameter `author`."""
    return _author_page_query(_dialect())


@cache
def _author_page_query(dialect: str) -> Select:
    return page_query(
        Post.newest_first(Post.user_id == bindparam("author", type_=Integer)), dialect
    )


def newest_page_query(keys: FromClause, dialect: str) -> Select:
    """One page of the posts whose keys (id, timestamp) are the rows of `keys`, newest first,
    each with its author's username and email."""
    limit, offset = limit_and_offset(dialect)
    page = (
        select(keys.c.id, keys.c.timestamp)
        .order_by(keys.c.timestamp.desc(), keys.c.id.desc())
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    return rows_of_page(page)


@cache
def _merged_timeline_page_query(dialect: str, author_count: int) -> Select:
    # Only keys are merged, from the index alone; the page's rows are read afterwards (on
    # SQLite, merging whole rows reads a table row for every author).
    return newest_page_query(merged.timeline_keys(dialect, author_count), dialect)


@cache
def _long_timeline_page_query(dialect: str) -> Select:
    authors = bindparam("authors", type_=Integer, expanding=True)
    return page_query(Post.newest_first(Post.user_id.in_(authors)), dialect)


@cache
def _postgresql_timeline_page_query() -> Select:
    """On PostgreSQL, one LATERAL index range per author who can be on the page, each cut
    at the page's end and at a time before which no post of the page can be.

    That time: the (page end)-th newest of the followed users' newest posts, which each
    follow records (followers.followed_last_post_at). That many posts are at least as new,
    so every post on the page is too, and an author whose newest post is older has none
    on it: the first page reads about 26 authors' ranges, not every author's. The reader,
    and followed users whose newest post is not known, are always read. When fewer
    authors have posted than the page reaches, there is no such time and each range is
    cut at the page's end alone: at most (page depth × authors) entries, however many
    posts exist. Unlike timeline_keys' hundred-arm UNION, the statement is the same for
    every reader, so PostgreSQL plans it once per connection.
    """
    reader = bindparam("reader", type_=Integer)
    limit, offset = limit_and_offset("postgresql")
    newest_known = followers.c.followed_last_post_at
    author = union_all(
        select(followers.c.followed_id.label("id"), newest_known.label("newest")).where(
            followers.c.follower_id == reader
        ),
        select(reader.label("id"), null().label("newest")),
    ).cte("author")
    since = func.coalesce(
        select(author.c.newest)
        .where(author.c.newest.is_not(None))
        .order_by(author.c.newest.desc())
        .limit(LITERAL_ONE)
        .offset(limit + offset - LITERAL_ONE)
        .scalar_subquery(),
        literal_column("'-infinity'::timestamp"),
    )
    newest = (
        select(Post.id, Post.timestamp)
        .where(Post.user_id == author.c.id, Post.timestamp >= since)
        .order_by(Post.timestamp.desc(), Post.id.desc())
        .limit(limit + offset)
        .lateral("newest")
    )
    page = (
        select(newest.c.id, newest.c.timestamp)
        .select_from(author)
        .join(newest, true())
        .where(or_(author.c.newest.is_(None), author.c.newest >= since))
        .order_by(newest.c.timestamp.desc(), newest.c.id.desc())
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    return rows_of_page(page)


def timeline_page_query(user: User, depth: int) -> tuple[Select, dict]:
    """The timeline as a page query for pages that end within its newest `depth` posts,
    and the parameters to run it with."""
    dialect = _dialect()
    if dialect == "postgresql":
        # It finds the authors itself, from the page's LIMIT and OFFSET.
        return _postgresql_timeline_page_query(), {"reader": user.id}
    authors = merged.timeline_authors(user, depth)
    if len(authors) > merged.TIMELINE_MERGE_MAX_AUTHORS:
        return _long_timeline_page_query(dialect), {"authors": authors}
    return _merged_timeline_page_query(dialect, len(authors)), merged.author_parameters(authors)


def timeline_page(user: User, number: int, per_page: int) -> Page:
    """Page `number` of the user's timeline, each post with its author."""
    query, params = timeline_page_query(user, rows_to_read(number, per_page))
    return fetch_page(query, number, per_page, params)


def rows_to_read(number: int, per_page: int) -> int:
    """How far into a page query fetch_page reads for page `number` (its OFFSET plus LIMIT):
    one row past the page's end."""
    return number * per_page + 1


def fetch_page(query: Select, number: int, per_page: int, params: dict | None = None) -> Page:
    """One page of rows from a page query, whose LIMIT and OFFSET are the parameters
    page_limit and page_offset.

    It runs on the session's connection, in its transaction: a page query returns rows, not
    objects, so the ORM's layer of execution would add cost and nothing else.
    """
    window = {"page_limit": per_page + 1, "page_offset": (number - 1) * per_page}
    params = {**(params or {}), **window}
    rows = db.session.connection().execute(query, params, execution_options=READS_ONLY).all()
    return page_of_rows(rows, number, per_page)
