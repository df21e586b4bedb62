"""The timeline's fast SQL: each author's newest posts merged, instead of one big sort.

Speeds up the home page and the API's timeline over User.following_posts(), the plain
definition (how much: benchmarks/README.md); tests/test_seed.py and tests/reactions/
test_timeline.py hold every page equal to it, boosts included. Breaks if
ix_post_user_id_timestamp_id goes (each arm becomes a scan), if ix_boost_post_id_user_id goes
(each post read looks for a boost of it), or a timeline can have more authors than
TIMELINE_MERGE_MAX_AUTHORS without falling back to the IN query.
"""

from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    DateTime,
    Integer,
    Select,
    Subquery,
    TextClause,
    bindparam,
    column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models.blocks import filtered_authors
from app.models.followers import followers
from app.models.moderation import LISTED, listed_conditions
from app.models.post import Post
from app.models.user import User

# SQLite allows at most 500 terms in one UNION; past this, timelines use a plain IN query.
TIMELINE_MERGE_MAX_AUTHORS = 400


def _union_per_author(first: str, arm: str, author_count: int, listed_only: bool) -> TextClause:
    """`first`, then `arm` once per author, its `:a{n}` made :a0, :a1, …, joined by UNION ALL;
    `listed_only`: every author's arm but the reader's (a0) without hidden posts."""
    arms = [first, arm.format(n=0, listed="")]
    arms += [
        arm.format(n=n, listed=LISTED_ONLY if listed_only else "") for n in range(1, author_count)
    ]
    union = text(" UNION ALL ".join(arms))
    names = [f"a{n}" for n in range(author_count)]
    params: list[BindParameter] = [bindparam(name, type_=Integer) for name in [*names, "reader"]]
    if ":since" in first:
        params.append(bindparam("since", type_=DateTime))
    return union.bindparams(*params)


# The boost `{b}` is the reader's (the parameter reader) or by someone they follow: asked of
# the boosts found, per boost, rather than listing whom the reader follows in every arm.
SEEN = (
    "({b}.user_id = :reader OR EXISTS (SELECT 1 FROM followers "
    "WHERE follower_id = :reader AND followed_id = {b}.user_id))"
)
# Each author's posts that no one the reader sees has boosted: those come at their boost.
# The NULL is typed: SQLite merges the arms lazily only when their columns' types agree.
POSTS_ARM = (
    "SELECT id, timestamp, CAST(NULL AS INTEGER) AS booster_id FROM post "
    "WHERE user_id = :a{n}{listed} "
    "AND NOT EXISTS (SELECT 1 FROM boost WHERE boost.post_id = post.id AND "
    + SEEN.format(b="boost")
    + ")"
)
# The boosts the reader sees, each post's newest alone.
BOOSTS_ARM = (
    "SELECT b.post_id AS id, b.timestamp AS timestamp, b.user_id AS booster_id FROM boost b "
    "WHERE (b.user_id = :reader OR b.user_id IN "
    "(SELECT followed_id FROM followers WHERE follower_id = :reader)) "
    "AND NOT EXISTS (SELECT 1 FROM boost newer WHERE newer.post_id = b.post_id AND "
    + SEEN.format(b="newer")
    + " AND (newer.timestamp > b.timestamp OR newer.timestamp = b.timestamp AND newer.id > b.id))"
)
# Hidden posts left out inside each arm, where the row is at hand: checked once on the merged
# keys instead, SQLite copies the check into every arm as a probe of its own (benchmarks/README.md,
# "Hidden posts"). The reader's own arm keeps their hidden posts, as the plain timeline does.
LISTED_ONLY = f" AND hidden = {LISTED}"
# The boosts of a page's time or later (the parameter since, timeline_authors_since()): each
# boost the arm keeps is checked and sorted, and a reader's follows have hundreds.
BOOSTS_SINCE = " AND b.timestamp >= :since"
LISTED_BOOSTS_ONLY = (
    " AND NOT EXISTS (SELECT 1 FROM post hidden_post WHERE hidden_post.id = b.post_id "
    f"AND hidden_post.hidden > {LISTED} AND hidden_post.user_id != :reader)"
)


@cache
def timeline_keys(
    dialect: str, author_count: int, listed_only: bool = False, since: bool = False
) -> Subquery:
    """The id, time and booster of every post of `author_count` authors, whose ids are the
    parameters a0, a1, …: one newest-first range of ix_post_user_id_timestamp_id per author;
    and the boosts the reader (the parameter reader) sees, at their time.

    Ordered by time and cut to a page, the database merges the ranges lazily (SQLite's
    MERGE (UNION ALL), PostgreSQL's Merge Append of index-only scans): a page costs about
    (authors + page depth) index steps however many posts exist, where "user_id IN (...)
    ORDER BY timestamp" reads and sorts every post of every author. A boosted post is
    skipped in its author's range (one probe of ix_boost_post_id_user_id per post read).
    Built once per database and number of authors, and run with parameters: building and
    cache-keying a hundred-arm statement on every request cost more than running it.
    `listed_only`: without the posts hidden from the reader (LISTED_ONLY); `since`: without
    the boosts older than the parameter since (BOOSTS_SINCE).
    """
    # The boosts first: PostgreSQL types a UNION's NULL column from the arms before it.
    first = (
        BOOSTS_ARM + (LISTED_BOOSTS_ONLY if listed_only else "") + (BOOSTS_SINCE if since else "")
    )
    arm = POSTS_ARM
    if dialect != "sqlite":
        # SQLite allows no ORDER BY inside a UNION and merges by the outer one anyway.
        first, arm = (f"({each} ORDER BY timestamp DESC, id DESC)" for each in (first, arm))
    keys = _union_per_author(first, arm, author_count, listed_only)
    return keys.columns(Post.id, Post.timestamp, column("booster_id", Integer)).subquery("timeline")


@cache
def merged_timeline(dialect: str, author_count: int) -> Select:
    """Post objects of `author_count` authors (parameters a0, a1, …) and the boosts the
    reader sees, newest first, with boosted_by, for the ORM's timeline(): timeline_keys()
    joined to Post."""
    keys = timeline_keys(dialect, author_count)
    booster = aliased(User)
    return (
        select(Post, booster.username.label("boosted_by"))
        .join(keys, Post.id == keys.c.id)
        .join(booster, booster.id == keys.c.booster_id, isouter=True)
        .order_by(keys.c.timestamp.desc(), keys.c.id.desc())
    )


def author_parameters(reader: User, authors: list[int]) -> dict[str, int]:
    """merged_timeline()'s parameters for this reader and these authors."""
    return {"reader": reader.id, **{f"a{n}": author for n, author in enumerate(authors)}}


def _followed(filtered: bool) -> list:
    """Whom the parameter `user` follows; `filtered`: less those they block or mute, or of
    a server they block."""
    user = bindparam("user", type_=Integer)
    mine = [followers.c.follower_id == user]
    if filtered:
        mine.append(followers.c.followed_id.not_in(filtered_authors(user)))
    return mine


@cache
def followed_ids(filtered: bool = False) -> Select:
    return select(followers.c.followed_id).where(*_followed(filtered))


@cache
def followed_ids_within(filtered: bool = False) -> Select:
    """timeline_authors(user, depth)'s followed users, each with the time `since` they are
    chosen by: two ranges of ix_followers_follower_id_followed_last_post_at."""
    newest = followers.c.followed_last_post_at
    mine = _followed(filtered)
    since = (
        select(newest)
        .where(*mine, newest.is_not(None))
        .order_by(newest.desc())
        .limit(1)
        # `newer` is depth - 1: MariaDB takes no expression after OFFSET.
        .offset(bindparam("newer", type_=Integer))
        .scalar_subquery()
    )
    return select(followers.c.followed_id, since.label("since")).where(
        *mine, or_(newest.is_(None), newest >= since, since.is_(None))
    )


def timeline_authors(user: User, depth: int | None = None) -> list[int]:
    return timeline_authors_since(user, depth)[0]


def timeline_authors_since(user: User, depth: int | None = None) -> tuple[list[int], Any]:
    """The user and everyone they follow (less those they block or mute); with `depth`, only
    the followed users who can have a post among the timeline's newest `depth`.

    Those are the ones whose newest post is at least as new as the depth-th newest of
    all their newest posts, and those whose newest post is not known (see
    followers.followed_last_post_at): anyone else's newest post comes after `depth`
    newer ones. With fewer known than `depth`, that is everyone.

    And that time (None without `depth`, or with fewer known): `depth` posts are at least as
    new, so nothing older is among the timeline's newest `depth`, and no boost either (a
    boost is never older than its post).
    """
    filtered = bool(user.block_total)
    connection = db.session.connection()  # plain rows, without the ORM's layer
    if depth is None:
        followed = connection.scalars(followed_ids(filtered), {"user": user.id})
        return [user.id, *followed], None
    params = {"user": user.id, "newer": depth - 1}
    rows = connection.execute(followed_ids_within(filtered), params).all()
    return [user.id, *(row.followed_id for row in rows)], rows[0].since if rows else None


def timeline(user: User) -> Select:
    """user.following_posts(), as one newest-first range per author merged by the database
    (less hidden posts; blocked and muted authors are not among the authors, and their posts
    boosted by someone followed are left out as the plain timeline leaves them out)."""
    authors = timeline_authors(user)
    hidden = listed_conditions(user)
    if len(authors) > TIMELINE_MERGE_MAX_AUTHORS:
        return user.following_posts().where(*hidden)
    dialect = db.session.get_bind().dialect.name
    query = merged_timeline(dialect, len(authors)).params(author_parameters(user, authors))
    return query.where(*hidden)
