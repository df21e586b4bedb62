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
    ColumnElement,
    FromClause,
    Integer,
    Row,
    Select,
    Subquery,
    and_,
    bindparam,
    exists,
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
from app.models.blocks import Block
from app.models.followers import followers
from app.models.moderation import LISTED
from app.models.post import Post
from app.models.reactions import Boost, seen_by
from app.models.tag import post_tag
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


# What a reader's lists leave out (app/models/moderation.py listed_conditions): (hide the
# hidden posts?, leave out blocked and muted authors?), and the parameter `reader`.
Filters = tuple[bool, bool]
READER = bindparam("reader", type_=Integer)
_hidden = aliased(Post, name="hidden_post")
# The few hidden posts, from ix_post_hidden_user_id alone: a list's keys are checked against
# them without reading a post's row, where `post.hidden = 0` would read every skipped row.
HIDDEN_IDS = select(_hidden.id).where(_hidden.hidden > LISTED, _hidden.user_id != READER)
HIDDEN_POST = select(_hidden.id).where(_hidden.hidden > LISTED, _hidden.user_id != READER)
FILTERED_AUTHORS = select(Block.target_id).where(Block.user_id == READER)


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
    """The posts of `page`, a page of post keys (id, timestamp, and for a timeline
    booster_id) already cut, in its order, each with its counts, its author's username and
    email, what it shows of the post it answers, whether it is hidden, and the name of the
    booster that placed it (boosted_by, or None)."""
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
    return query.order_by(page.c.timestamp.desc(), page.c.id.desc())


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


def explore_page_query(filters: Filters = (False, False)) -> Select:
    """Everyone's posts (less what `filters` leaves out)."""
    return _explore_page_query(_dialect(), filters)


@cache
def _explore_page_query(dialect: str, filters: Filters) -> Select:
    return page_query(Post.newest_first(*listed(Post.id, Post.user_id, filters)), dialect)


def author_page_query(filters: Filters = (False, False)) -> Select:
    """The posts of the user whose id is the parameter `author`."""
    return _author_page_query(_dialect(), filters)


@cache
def _author_page_query(dialect: str, filters: Filters) -> Select:
    author = Post.user_id == bindparam("author", type_=Integer)
    return page_query(Post.newest_first(author, *listed(Post.id, None, filters)), dialect)


def tag_page_query(filters: Filters = (False, False)) -> Select:
    """The posts carrying the tag whose id is the parameter `tag` (less hidden ones)."""
    return _tag_page_query(_dialect(), filters)


@cache
def _tag_page_query(dialect: str, filters: Filters) -> Select:
    # Cut from post_tag's index alone (tag, post time, post), which keeps each post's time.
    keys = (
        select(post_tag.c.post_id.label("id"), post_tag.c.post_timestamp.label("timestamp"))
        .where(post_tag.c.tag_id == bindparam("tag", type_=Integer))
        .subquery("tagged")
    )
    return newest_page_query(keys, dialect, *listed(keys.c.id, None, (filters[0], False)))


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


_by_filtered = aliased(Post, name="filtered_post")


def listed_keys(keys: FromClause, filters: Filters) -> list:
    """`filters` on a timeline's keys, each checked against only the posts the merge pulls:
    no hidden post, and no post of an author the reader blocks or mutes (their own posts'
    ranges are not read: these are the posts someone followed boosted)."""
    hide, filtered = filters
    conditions = []
    if hide:
        # Pushed into every author's arm, a NOT IN list is built once per arm: a hundred
        # times. Checked against each post the merge pulls, there are only about a page's.
        conditions.append(~HIDDEN_POST.where(_hidden.id == keys.c.id).exists())
    if filtered:
        by_filtered = _by_filtered.user_id.in_(FILTERED_AUTHORS)
        conditions.append(
            ~select(_by_filtered.id).where(_by_filtered.id == keys.c.id, by_filtered).exists()
        )
    return conditions


@cache
def _merged_timeline_page_query(dialect: str, author_count: int, filters: Filters) -> Select:
    # Only keys are merged, from the index alone; the page's rows are read afterwards (on
    # SQLite, merging whole rows reads a table row for every author). Blocked and muted
    # authors are not among the authors (timeline_authors).
    keys = merged.timeline_keys(dialect, author_count)
    return newest_page_query(keys, dialect, *listed_keys(keys, filters))


@cache
def _long_timeline_page_query(dialect: str, filters: Filters) -> Select:
    authors = bindparam("authors", type_=Integer, expanding=True)
    written = select(Post.id, Post.timestamp, null().label("booster_id")).where(
        Post.user_id.in_(authors), not_boosted(Post.id, READER)
    )
    keys = union_all(written, newest_boosts(READER)).subquery("timeline")
    return newest_page_query(keys, dialect, *listed_keys(keys, filters))


def not_boosted(post_id, reader) -> ColumnElement[bool]:
    """No boost the reader sees (theirs, or by someone they follow) has placed the post."""
    boost = aliased(Boost)
    return ~exists().where(boost.post_id == post_id, seen_by(boost.user_id, reader))


def newest_boosts(reader, since=None) -> Select:
    """The boosts the reader sees (each post's newest alone) as timeline keys: (post id,
    boost time, booster's id); with `since`, only those at or after it."""
    boost, newer = aliased(Boost), aliased(Boost)
    later = or_(
        newer.timestamp > boost.timestamp,
        and_(newer.timestamp == boost.timestamp, newer.id > boost.id),
    )
    newest = ~exists().where(newer.post_id == boost.post_id, seen_by(newer.user_id, reader), later)
    query = select(
        boost.post_id.label("id"), boost.timestamp, boost.user_id.label("booster_id")
    ).where(seen_by(boost.user_id, reader), newest)
    return query if since is None else query.where(boost.timestamp >= since)


@cache
def _postgresql_timeline_page_query(filters: Filters) -> Select:
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
    reader = READER
    limit, offset = limit_and_offset("postgresql")
    newest_known = followers.c.followed_last_post_at
    followed = [followers.c.follower_id == reader]
    followed += listed(followers.c.followed_id, followers.c.followed_id, (False, filters[1]))
    author = union_all(
        select(followers.c.followed_id.label("id"), newest_known.label("newest")).where(*followed),
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
        .where(*listed(Post.id, None, (filters[0], False)))
        .where(not_boosted(Post.id, reader))
        .order_by(Post.timestamp.desc(), Post.id.desc())
        .limit(limit + offset)
        .lateral("newest")
    )
    written = (
        select(newest.c.id, newest.c.timestamp, null().label("booster_id"))
        .select_from(author)
        .join(newest, true())
        .where(or_(author.c.newest.is_(None), author.c.newest >= since))
    )
    # A boost is never older than its post: the boosts on the page are at or after `since` too.
    keys = union_all(written, newest_boosts(reader, since)).subquery("keys")
    page = (
        select(keys)
        .where(*listed_keys(keys, filters))
        .order_by(keys.c.timestamp.desc(), keys.c.id.desc())
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    return rows_of_page(page)


def timeline_page_query(user: User, depth: int) -> tuple[Select, dict]:
    """The timeline as a page query for pages that end within its newest `depth` posts,
    and the parameters to run it with."""
    dialect = _dialect()
    filters, params = filters_of(user)
    if dialect == "postgresql":
        # It finds the authors itself, from the page's LIMIT and OFFSET.
        return _postgresql_timeline_page_query(filters), params
    authors = merged.timeline_authors(user, depth)
    if len(authors) > merged.TIMELINE_MERGE_MAX_AUTHORS:
        return _long_timeline_page_query(dialect, filters), {"authors": authors, **params}
    query = _merged_timeline_page_query(dialect, len(authors), filters)
    return query, {**merged.author_parameters(user, authors), **params}


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
