"""People a reader may want to follow: for a new reader's short home page."""

from enum import Enum

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from app.database import READS_ONLY
from app.extensions import db
from app.models.followers import followers
from app.models.post import Post
from app.models.user import User

# How many of the reader's follows are asked whom they follow (the primary key's index
# serves each), how many of their follows are counted at most (however many people those
# follow: the work stays bounded), and how many of the newest posts count as "lately"
# (ix_post_timestamp_id).
FOLLOWS_ASKED = 100
CANDIDATE_FOLLOWS = 1000
RECENT_POSTS = 200


class Reason(Enum):
    FOLLOWED_BY_YOUR_FOLLOWS = "followed"
    ACTIVE = "active"


def _not_yet_followed(reader: User):
    """Neither the reader nor anyone they follow."""
    mine = aliased(followers)
    followed = exists().where(mine.c.follower_id == reader.id, mine.c.followed_id == User.id)
    return and_(User.id != reader.id, ~followed)


def followed_by_your_follows(reader: User, limit: int) -> Select:
    """Those whom the most of the reader's follows follow, counted over at most
    CANDIDATE_FOLLOWS of their follows (read from the primary key's index, then cut)."""
    mine = (
        select(followers.c.followed_id)
        .where(followers.c.follower_id == reader.id)
        .limit(FOLLOWS_ASKED)
        .subquery()
    )
    # A join, not IN: MariaDB takes no LIMIT in an IN subquery.
    their = aliased(followers)
    theirs = (
        select(their.c.followed_id)
        .join_from(mine, their, their.c.follower_id == mine.c.followed_id)
        .limit(CANDIDATE_FOLLOWS)
        .subquery()
    )
    scores = (
        select(theirs.c.followed_id.label("id"), func.count().label("score"))
        .group_by(theirs.c.followed_id)
        .subquery()
    )
    return _ranked(scores, reader, limit)


def most_active(reader: User, limit: int) -> Select:
    """The authors of the most of the newest posts."""
    recent = (
        select(Post.user_id)
        .order_by(Post.timestamp.desc(), Post.id.desc())
        .limit(RECENT_POSTS)
        .subquery()
    )
    scores = (
        select(recent.c.user_id.label("id"), func.count().label("score"))
        .group_by(recent.c.user_id)
        .subquery()
    )
    return _ranked(scores, reader, limit)


def _ranked(scores, reader: User, limit: int) -> Select:
    return (
        select(User)
        .join(scores, scores.c.id == User.id)
        .where(_not_yet_followed(reader))
        .order_by(scores.c.score.desc(), User.id)
        .limit(limit)
    )


def suggested_users(reader: User, limit: int = 5) -> list[tuple[User, Reason]]:
    """Up to `limit` people to follow, each with why: first those the reader's follows
    follow, then the most active posters lately (two bounded queries at most)."""
    found = [
        (user, Reason.FOLLOWED_BY_YOUR_FOLLOWS)
        for user in db.session.scalars(
            followed_by_your_follows(reader, limit), execution_options=READS_ONLY
        )
    ]
    if len(found) < limit:
        seen = {user.id for user, _ in found}
        for user in db.session.scalars(
            most_active(reader, limit + len(found)), execution_options=READS_ONLY
        ):
            if user.id not in seen and len(found) < limit:
                found.append((user, Reason.ACTIVE))
    return found
