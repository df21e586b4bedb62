"""The timeline's fast SQL: each author's newest posts merged, instead of one big sort.

Speeds up the home page and the API's timeline over User.following_posts(), the plain
definition (how much: benchmarks/README.md); tests/test_seed.py holds every page equal to it.
Breaks if ix_post_user_id_timestamp_id goes (each arm becomes a scan) or a timeline can have
more authors than TIMELINE_MERGE_MAX_AUTHORS without falling back to the IN query.
"""

from functools import cache

from sqlalchemy import Integer, Select, Subquery, TextClause, bindparam, or_, select, text
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models.blocks import Block
from app.models.followers import followers
from app.models.moderation import listed_conditions
from app.models.post import Post
from app.models.user import User

# SQLite allows at most 500 terms in one UNION; past this, timelines use a plain IN query.
TIMELINE_MERGE_MAX_AUTHORS = 400


def _union_per_author(arm: str, author_count: int) -> TextClause:
    """`arm` once per author, its `:a{}` made :a0, :a1, …, joined by UNION ALL."""
    union = text(" UNION ALL ".join(arm.format(n) for n in range(author_count)))
    return union.bindparams(*(bindparam(f"a{n}", type_=Integer) for n in range(author_count)))


@cache
def timeline_keys(dialect: str, author_count: int) -> Subquery:
    """The id and time of every post of `author_count` authors, whose ids are the parameters
    a0, a1, …: one newest-first range of ix_post_user_id_timestamp_id per author.

    Ordered by time and cut to a page, the database merges the ranges lazily (SQLite's
    MERGE (UNION ALL), PostgreSQL's Merge Append of index-only scans): a page costs about
    (authors + page depth) index steps however many posts exist, where "user_id IN (...)
    ORDER BY timestamp" reads and sorts every post of every author. Built once per database
    and number of authors, and run with parameters: building and cache-keying a hundred-arm
    statement on every request cost more than running it.
    """
    arm = "SELECT id, timestamp FROM post WHERE user_id = :a{}"
    if dialect != "sqlite":
        # SQLite allows no ORDER BY inside a UNION and merges by the outer one anyway.
        arm = f"({arm} ORDER BY timestamp DESC, id DESC)"
    keys = _union_per_author(arm, author_count)
    return keys.columns(Post.id, Post.timestamp).subquery("timeline")


@cache
def merged_timeline(dialect: str, author_count: int) -> Select:
    """Post objects of `author_count` authors (parameters a0, a1, …), newest first, for the
    ORM's timeline(): timeline_keys() joined to Post, or on SQLite whole rows merged."""
    if dialect == "sqlite":
        # SQLite keeps the merge lazy only when the UNION is flattened into the query that
        # orders and cuts it, which it does for a plain SELECT from it, not for a join: so
        # the ORM's query, cut later, merges whole rows. (The page query merges keys.)
        columns = ", ".join(column.name for column in Post.__table__.c)
        rows = _union_per_author(f"SELECT {columns} FROM post WHERE user_id = :a{{}}", author_count)
        newest = aliased(Post, rows.columns(*Post.__table__.c).subquery("timeline"))
        return select(newest).order_by(newest.timestamp.desc(), newest.id.desc())
    keys = timeline_keys(dialect, author_count)
    return (
        select(Post)
        .join(keys, Post.id == keys.c.id)
        .order_by(keys.c.timestamp.desc(), keys.c.id.desc())
    )


def author_parameters(authors: list[int]) -> dict[str, int]:
    """merged_timeline()'s parameters for these authors."""
    return {f"a{n}": author for n, author in enumerate(authors)}


def _followed(filtered: bool) -> list:
    """Whom the parameter `user` follows; `filtered`: less those they block or mute."""
    user = bindparam("user", type_=Integer)
    mine = [followers.c.follower_id == user]
    if filtered:
        blocked = select(Block.target_id).where(Block.user_id == user)
        mine.append(followers.c.followed_id.not_in(blocked))
    return mine


@cache
def followed_ids(filtered: bool = False) -> Select:
    return select(followers.c.followed_id).where(*_followed(filtered))


@cache
def followed_ids_within(filtered: bool = False) -> Select:
    """User.timeline_authors(depth)'s followed users: two ranges of
    ix_followers_follower_id_followed_last_post_at."""
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
    return select(followers.c.followed_id).where(
        *mine, or_(newest.is_(None), newest >= since, since.is_(None))
    )


def timeline_authors(user: User, depth: int | None = None) -> list[int]:
    """The user and everyone they follow (less those they block or mute); with `depth`, only
    the followed users who can have a post among the timeline's newest `depth`.

    Those are the ones whose newest post is at least as new as the depth-th newest of
    all their newest posts, and those whose newest post is not known (see
    followers.followed_last_post_at): anyone else's newest post comes after `depth`
    newer ones. With fewer known than `depth`, that is everyone.
    """
    filtered = bool(user.block_total)
    if depth is None:
        query, params = followed_ids(filtered), {"user": user.id}
    else:
        query, params = followed_ids_within(filtered), {"user": user.id, "newer": depth - 1}
    # Plain ids: the session's connection, without the ORM's layer.
    return [user.id, *db.session.connection().scalars(query, params)]


def timeline(user: User) -> Select:
    """user.following_posts(), as one newest-first range per author merged by the database
    (less hidden posts; blocked and muted authors are not among the authors)."""
    authors = timeline_authors(user)
    hidden = listed_conditions(user, authors=False)
    if len(authors) > TIMELINE_MERGE_MAX_AUTHORS:
        return Post.newest_first(Post.user_id.in_(authors), *hidden)
    dialect = db.session.get_bind().dialect.name
    query = merged_timeline(dialect, len(authors)).params(author_parameters(authors))
    if hidden and dialect == "sqlite":
        # The merged whole rows are an alias of Post: its conditions are the alias's.
        newest = query.selected_columns[0].table
        hidden = [(newest.c.hidden == 0) | (newest.c.user_id == user.id)]
    return query.where(*hidden)
