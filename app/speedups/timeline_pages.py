"""The home timeline as a page query: each author's newest posts merged with the boosts the
reader sees, less hidden posts and blocked or muted authors.

Speeds up the home page over paginating User.following_posts() (how much:
benchmarks/README.md). Breaks if its pages stop being the plain timeline's, boosts and filters
included: tests/test_seed.py, tests/reactions/test_timeline.py and tests/models/test_moderation.py
compare every page on the three databases.
"""

from functools import cache

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Select,
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

from app.models.followers import followers
from app.models.post import Post
from app.models.reactions import Boost, seen_by
from app.models.user import User
from app.pagination import Page
from app.speedups import timeline as merged
from app.speedups.page_queries import (
    HIDDEN_ALIAS,
    HIDDEN_IDS,
    LITERAL_ONE,
    READER,
    Filters,
    dialect_name,
    fetch_page,
    filters_of,
    limit_and_offset,
    listed,
    newest_page_query,
    not_by_filtered_author,
    rows_of_page,
    rows_to_read,
)


def listed_keys(keys: FromClause, filters: Filters) -> list:
    """`filters` on a timeline's keys, each checked against only the posts the merge pulls:
    no hidden post, and no post of an author the reader blocks or mutes (their own posts'
    ranges are not read: these are the posts someone followed boosted)."""
    hide, filtered = filters
    conditions = []
    if hide:
        # Pushed into every author's arm, a NOT IN list is built once per arm: a hundred
        # times. Checked against each post the merge pulls, there are only about a page's.
        conditions.append(~HIDDEN_IDS.where(HIDDEN_ALIAS.id == keys.c.id).exists())
    if filtered:
        conditions.append(not_by_filtered_author(keys.c.id))
    return conditions


@cache
def _merged_timeline_page_query(
    dialect: str, author_count: int, filters: Filters, since: bool
) -> Select:
    # Only keys are merged, from the index alone; the page's rows are read afterwards (on
    # SQLite, merging whole rows reads a table row for every author). Blocked and muted
    # authors are not among the authors (timeline_authors).
    hide, filtered = filters
    keys = merged.timeline_keys(dialect, author_count, listed_only=hide, since=since)
    return newest_page_query(keys, dialect, *listed_keys(keys, (False, filtered)))


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
    boost = aliased(Boost)
    query = select(
        boost.post_id.label("id"), boost.timestamp, boost.user_id.label("booster_id")
    ).where(seen_by(boost.user_id, reader), newest_of_its_post(boost, reader))
    return query if since is None else query.where(boost.timestamp >= since)


def newest_of_its_post(boost, reader) -> ColumnElement[bool]:
    """No later boost of the same post that the reader sees."""
    newer = aliased(Boost)
    later = or_(
        newer.timestamp > boost.timestamp,
        and_(newer.timestamp == boost.timestamp, newer.id > boost.id),
    )
    return ~exists().where(newer.post_id == boost.post_id, seen_by(newer.user_id, reader), later)


# The OFFSET that fences boosts_of_boosters' LATERAL, written into the SQL as limit_and_offset does.
LITERAL_ZERO = literal_column("0", Integer)


def boosts_of_boosters(boosters: FromClause, reader, since) -> Select:
    """newest_boosts(reader, since) as one range of ix_boost_user_id_timestamp_post_id per
    booster (`boosters`: the reader and everyone they follow, as rows of `id`), each boost
    then checked for a later one by a probe of ix_boost_post_id_user_id.

    Asked with seen_by's OR, PostgreSQL scans every boost, and it hashes every boost the
    reader sees to find later ones. OFFSET 0 keeps it from flattening the LATERAL into a
    join, which it would plan as those scans again."""
    boost = aliased(Boost)
    ranges = (
        select(boost.post_id.label("id"), boost.timestamp, boost.user_id.label("booster_id"))
        .where(boost.user_id == boosters.c.id, boost.timestamp >= since)
        .where(newest_of_its_post(boost, reader))
        .offset(LITERAL_ZERO)
        .lateral("boosts")
    )
    return select(ranges).select_from(boosters).join(ranges, true())


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
    # Whoever boosts counts, blocked or muted: listed_keys leaves out only whose posts they are.
    booster = union_all(
        select(followers.c.followed_id.label("id")).where(followers.c.follower_id == reader),
        select(reader.label("id")),
    ).cte("booster")
    # A boost is never older than its post: the boosts on the page are at or after `since` too.
    keys = union_all(written, boosts_of_boosters(booster, reader, since)).subquery("keys")
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
    dialect = dialect_name()
    filters, params = filters_of(user)
    if dialect == "postgresql":
        # It finds the authors itself, from the page's LIMIT and OFFSET.
        return _postgresql_timeline_page_query(filters), params
    authors, since = merged.timeline_authors_since(user, depth)
    if len(authors) > merged.TIMELINE_MERGE_MAX_AUTHORS:
        return _long_timeline_page_query(dialect, filters), {"authors": authors, **params}
    query = _merged_timeline_page_query(dialect, len(authors), filters, since is not None)
    return query, {**merged.author_parameters(user, authors), "since": since, **params}


def timeline_page(user: User, number: int, per_page: int) -> Page:
    """Page `number` of the user's timeline, each post with its author."""
    query, params = timeline_page_query(user, rows_to_read(number, per_page))
    return fetch_page(query, number, per_page, params)
