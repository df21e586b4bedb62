"""Pages of posts with their authors as plain rows, cut from an index of their keys.

Speeds up the timeline, explore, profile and search pages over paginating ORM Post objects
(how much: benchmarks/README.md): statements built once and run with parameters, rows
instead of objects, deep pages skipped in the index. Breaks if a page query's order stops
matching its plain definition's (timestamp, then id, newest first): tests/main/test_page_queries.py.
"""

from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    FromClause,
    Integer,
    Row,
    Select,
    Subquery,
    bindparam,
    exists,
    literal_column,
    null,
    select,
)
from sqlalchemy.orm import aliased

from app.database import READS_ONLY
from app.extensions import db
from app.models.blocks import filtered_authors
from app.models.domain_block import silenced_posts
from app.models.moderation import LISTED
from app.models.post import Post
from app.models.reactions import Boost, Like
from app.models.tag import post_tag
from app.models.user import User
from app.pagination import Page, page_of_rows

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


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


# What a reader's lists leave out (app/models/moderation.py listed_conditions): (hide the
# hidden posts?, leave out blocked and muted authors?), and the parameter `reader`.
Filters = tuple[bool, bool]
READER = bindparam("reader", type_=Integer)
HIDDEN_ALIAS = aliased(Post, name="hidden_post")
# The few hidden posts, from ix_post_hidden_user_id alone: a list's keys are checked against
# them without reading a post's row, where `post.hidden = 0` would read every skipped row.
# LISTED written into the SQL, not bound: SQLite's check of a timeline's keys then costs
# half as much (benchmarks/README.md, "Hidden posts").
HIDDEN_IDS = select(HIDDEN_ALIAS.id).where(
    HIDDEN_ALIAS.hidden > literal_column(str(LISTED)), HIDDEN_ALIAS.user_id != READER
)
FILTERED_AUTHORS = filtered_authors(READER)
_BY_FILTERED = aliased(Post, name="filtered_post")
# The posts of silenced servers' accounts, left out of the public lists (explore, tags,
# search): as post ids, like HIDDEN_IDS, so that a list's keys are checked without reading
# a post's row, where `user_id NOT IN (silenced accounts)` read every skipped row.
SILENCED_IDS = silenced_posts()


def filters_of(reader: Any) -> tuple[Filters, dict]:
    """The reader's Filters and their parameters: a reader who blocks or mutes no one does
    not pay for the feature, nor an admin for hidden posts."""
    hide = not getattr(reader, "is_admin", False)
    filtered = bool(getattr(reader, "block_total", 0))
    return (hide, filtered), {"reader": getattr(reader, "id", 0) or 0}


def listed(post_id: Any, author_id: Any, filters: Filters) -> list:
    """The conditions of `filters` on a list's post ids (and authors' ids)."""
    hide, filtered = filters
    conditions = []
    if hide:
        conditions.append(post_id.not_in(HIDDEN_IDS))
    if filtered and author_id is not None:
        conditions.append(author_id.not_in(FILTERED_AUTHORS))
    return conditions


def public(post_id: Any) -> Any:
    """The condition of a public list (explore, a tag, search) on its post ids: not by an
    account of a silenced server (app/models/domain_block.py not_silenced)."""
    return post_id.not_in(SILENCED_IDS)


def not_by_filtered_author(post_id: Any) -> Any:
    """The post `post_id` is not by an author the reader blocks or mutes: checked per key,
    for lists whose keys carry no author (a timeline's boosts, a tag's posts)."""
    by_filtered = _BY_FILTERED.user_id.in_(FILTERED_AUTHORS)
    return ~select(_BY_FILTERED.id).where(_BY_FILTERED.id == post_id, by_filtered).exists()


def page_query(posts: Select, dialect: str | None = None) -> Select:
    """One page of `posts` (a select of Post in order), each row with its author's username
    and email.

    The page is cut from the posts' keys alone, which an index holds in order: the rows
    skipped to reach a deep page are index entries, not posts, and only the page's rows are
    read.
    """
    limit, offset = limit_and_offset(dialect or dialect_name())
    keys = posts.with_only_columns(Post.id, Post.timestamp)
    return rows_of_page(keys.limit(limit).offset(offset).subquery("page"))


def rows_of_page(page: Subquery) -> Select:
    """The posts of `page`, a page of post keys (id, timestamp, and for a timeline
    booster_id) already cut, in its order, each with its counts, its author's username and
    email, what it shows of the post it answers, whether it is hidden, the name of the
    booster that placed it (boosted_by, or None), and the READER_COLUMNS."""
    columns = [Post.id, Post.body, Post.timestamp, Post.language, User.username, User.email]
    columns += [Post.body_html, Post.image_count]
    counts = [Post.like_count, Post.boost_count]
    # moderation: the article says hidden (to admins and the author)
    query: Select = select(*columns, *counts, *_reply_columns(), Post.hidden)
    query = query.join(page, Post.id == page.c.id).join(User, User.id == Post.user_id)
    query = query.outerjoin(PARENT, PARENT.id == Post.in_reply_to_id)
    query = query.outerjoin(PARENT_AUTHOR, PARENT_AUTHOR.id == PARENT.user_id)
    if "booster_id" in page.c:
        booster = aliased(User)
        query = query.add_columns(booster.username.label("boosted_by"))
        query = query.join(booster, booster.id == page.c.booster_id, isouter=True)
    else:
        query = query.add_columns(null().label("boosted_by"))
    query = query.add_columns(*READER_COLUMNS)
    return query.order_by(page.c.timestamp.desc(), page.c.id.desc())


# The reader's own, last in each row (the parameter reader, 0 for a visitor): whose these are,
# and whether they liked and boosted the post. Every list's action bars ask, for the whole page:
# read with its rows, that is one statement less a page. Never part of a shared piece's key
# (shared_columns).
READER_COLUMNS = (
    READER.label("reactions_of"),
    exists().where(Like.post_id == Post.id, Like.user_id == READER).label("liked"),
    exists().where(Boost.post_id == Post.id, Boost.user_id == READER).label("boosted"),
)


def shared_columns(row: Row) -> tuple:
    """A page query's row without its reader's columns: what every reader is shown alike."""
    return tuple(row[: -len(READER_COLUMNS)])


# Replies (issue 19): what main/_post.html shows of the answered post, and "edited".
PARENT, PARENT_AUTHOR = aliased(Post, name="parent"), aliased(User, name="parent_author")


def _reply_columns() -> tuple:
    return (
        Post.in_reply_to_id,
        Post.is_reply,
        Post.edited_at,
        PARENT_AUTHOR.username.label("in_reply_to_username"),
    )


def explore_page_query(filters: Filters = (False, False)) -> Select:
    """Everyone's posts (less what `filters` leaves out, and silenced servers')."""
    return _explore_page_query(dialect_name(), filters)


@cache
def _explore_page_query(dialect: str, filters: Filters) -> Select:
    conditions = [*listed(Post.id, Post.user_id, filters), public(Post.id)]
    return page_query(Post.newest_first(*conditions), dialect)


def author_page_query(filters: Filters = (False, False)) -> Select:
    """The posts of the user whose id is the parameter `author`."""
    return _author_page_query(dialect_name(), filters)


@cache
def _author_page_query(dialect: str, filters: Filters) -> Select:
    author = Post.user_id == bindparam("author", type_=Integer)
    return page_query(Post.newest_first(author, *listed(Post.id, None, filters)), dialect)


def tag_page_query(filters: Filters = (False, False)) -> Select:
    """The posts carrying the tag whose id is the parameter `tag` (less hidden ones, those
    of silenced servers and those of blocked or muted authors)."""
    return _tag_page_query(dialect_name(), filters)


@cache
def _tag_page_query(dialect: str, filters: Filters) -> Select:
    # Cut from post_tag's index alone (tag, post time, post), which keeps each post's time.
    keys = (
        select(post_tag.c.post_id.label("id"), post_tag.c.post_timestamp.label("timestamp"))
        .where(post_tag.c.tag_id == bindparam("tag", type_=Integer))
        .subquery("tagged")
    )
    conditions = [*listed(keys.c.id, None, (filters[0], False)), public(keys.c.id)]
    if filters[1]:
        conditions.append(not_by_filtered_author(keys.c.id))
    return newest_page_query(keys, dialect, *conditions)


def newest_page_query(keys: FromClause, dialect: str, *conditions) -> Select:
    """One page of the posts whose keys (id, timestamp, maybe booster_id) are the rows of
    `keys` (that meet `conditions`), newest first, each with its author's username and email."""
    limit, offset = limit_and_offset(dialect)
    page = (
        select(keys)
        .where(*conditions)
        .order_by(keys.c.timestamp.desc(), keys.c.id.desc())
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    return rows_of_page(page)


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
    params = {"reader": 0, **(params or {}), **window}  # without a reader, a visitor's page
    rows = db.session.connection().execute(query, params, execution_options=READS_ONLY).all()
    return page_of_rows(rows, number, per_page)
