"""The queries behind the ActivityPub documents: a user's outbox a page at a time (newest
first, by keys, never by offset), their followers and following as actor ids, and the users
posts mention. Each page is a fixed number of queries, whatever its size."""

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.database import READS_ONLY
from app.extensions import db
from app.models import Post, RemoteActor, User, followers
from app.models.moderation import LISTED
from app.models.post_text import PostText
from app.security import canonical_url_for


class PostsPage(NamedTuple):
    posts: list[Post]  # newest first
    has_older: bool


def listed_posts(user: User) -> Select:
    """The user's posts that anyone may read: none hidden by a moderator."""
    return select(Post).where(Post.user_id == user.id, Post.hidden == LISTED)


def outbox_total(user: User) -> int:
    query = select(func.count()).select_from(listed_posts(user).subquery())
    return db.session.scalar(query, execution_options=READS_ONLY) or 0


def outbox_page(
    user: User, size: int, max_id: int | None = None, min_id: int | None = None
) -> PostsPage:
    """Up to `size` of the user's listed posts, newest first: the newest, those older than
    post `max_id`, or those just newer than post `min_id` (in the order posts are listed,
    by time then id)."""
    query = listed_posts(user).options(selectinload(Post.tags), selectinload(Post.images))
    newest_first = (Post.timestamp.desc(), Post.id.desc())
    if min_id is not None:
        at = select(Post.timestamp).where(Post.id == min_id).scalar_subquery()
        newer = or_(Post.timestamp > at, and_(Post.timestamp == at, Post.id > min_id))
        query = query.where(newer).order_by(Post.timestamp, Post.id).limit(size)
        found = list(db.session.scalars(query, execution_options=READS_ONLY))
        # Older posts exist: post min_id at least.
        return PostsPage(found[::-1], has_older=True)
    if max_id is not None:
        at = select(Post.timestamp).where(Post.id == max_id).scalar_subquery()
        older = or_(Post.timestamp < at, and_(Post.timestamp == at, Post.id < max_id))
        query = query.where(older)
    found = list(
        db.session.scalars(
            query.order_by(*newest_first).limit(size + 1), execution_options=READS_ONLY
        )
    )
    return PostsPage(found[:size], has_older=len(found) > size)


def _follow_condition(user: User, collection: str):
    """Who is in the user's followers or following, joined to `followers` on User."""
    if collection == "followers":
        return followers.c.follower_id == User.id, followers.c.followed_id == user.id
    return followers.c.followed_id == User.id, followers.c.follower_id == user.id


def follow_total(user: User, collection: str) -> int:
    join, whose = _follow_condition(user, collection)
    query = (
        select(func.count())
        .select_from(User)
        .join(followers, join)
        .where(whose, User.suspended_at.is_(None))
    )
    return db.session.scalar(query, execution_options=READS_ONLY) or 0


def follow_page(user: User, collection: str, page: int, size: int) -> tuple[list[str], bool]:
    """The actor ids on page `page` (from 1) of the user's "followers" or "following", the
    latest follows by account first; and whether a page comes after it."""
    join, whose = _follow_condition(user, collection)
    query = (
        select(User.username, RemoteActor.uri)
        .join(followers, join)
        .outerjoin(RemoteActor, RemoteActor.user_id == User.id)
        .where(whose, User.suspended_at.is_(None))
        .order_by(User.id.desc())
        .offset((page - 1) * size)
        .limit(size + 1)
    )
    rows = db.session.execute(query, execution_options=READS_ONLY).all()
    ids = [
        uri or canonical_url_for("activitypub.actor", username=username)
        for username, uri in rows[:size]
    ]
    return ids, len(rows) > size


class Mentioned(NamedTuple):
    """A user a post mentions: their actor id, and for an account elsewhere the page their
    mention links to in the Note's content (their profile there, else their actor)."""

    actor: str
    url: str | None = None


def mentioned_users(posts: Iterable[Post]) -> dict[str, Mentioned]:
    """The existing users these posts mention, ours and those of other servers we know, by
    name, in one query (none without mentions)."""
    names = {name for post in posts for name in PostText.parse(post.body).mentions()}
    if not names:
        return {}
    query = (
        select(User.username, RemoteActor.uri, RemoteActor.profile_url)
        .outerjoin(RemoteActor, RemoteActor.user_id == User.id)
        .where(User.username.in_(sorted(names)))
    )
    rows = db.session.execute(query, execution_options=READS_ONLY).all()
    return {
        name: Mentioned(uri, profile_url or uri)
        if uri
        else Mentioned(canonical_url_for("activitypub.actor", username=name))
        for name, uri, profile_url in rows
    }
