"""Who follows whom: the followers table, the user's follow verbs, and the newest-post time
each follow keeps."""

from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Select,
    Table,
    case,
    delete,
    event,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, WriteOnlyMapped

from app.extensions import db
from app.models.post import Post
from app.models.types import UTCDateTime

if TYPE_CHECKING:
    from app.models.user import User

followers = Table(
    "followers",
    db.metadata,
    Column("follower_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("followed_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    # The time of the followed user's newest post, or NULL while unknown (a new follow, until
    # they post again): see record_newest_post. A timeline page reads only the authors
    # whose time can reach it (timeline_authors in app/speedups/timeline.py).
    Column("followed_last_post_at", UTCDateTime),
    # The primary key serves "whom do I follow"; this serves "who follows me".
    Index("ix_followers_followed_id", "followed_id"),
    # Whom do I follow, most recently active first: the authors a timeline page can show.
    Index(
        "ix_followers_follower_id_followed_last_post_at",
        "follower_id",
        "followed_last_post_at",
        "followed_id",
    ),
)


@event.listens_for(Post, "after_insert")
def record_newest_post(mapper, connection, post: Post) -> None:
    """Raise followers.followed_last_post_at on the author's follows to their newest post.

    A value may be NULL but never older than the author's newest post: the timeline
    skips an author whose value says they cannot be on the page. So a new follow is NULL
    rather than a time read while a post of theirs may be on its way, and an unknown value
    becomes the newest post this transaction sees, this one included. Run in the post's
    flush, so every post the ORM inserts keeps it; bulk inserts (flask seed) and deletes
    must set it themselves (refresh_newest_posts, forget_newest_post).
    """
    author, known = post.user_id, followers.c.followed_last_post_at
    # Hidden posts are in no list (app/models/moderation.py): the newest listed one counts.
    listed = (Post.user_id == author, Post.hidden == 0)
    newest = connection.scalar(select(func.max(Post.timestamp)).where(*listed))
    connection.execute(
        update(followers)
        .where(followers.c.followed_id == author, or_(known.is_(None), known < post.timestamp))
        # Under concurrent posts by one author each statement waits for the other's rows and
        # then re-checks `known < timestamp`, so the later time wins either way.
        .values(
            followed_last_post_at=case(
                (known.is_(None), literal(newest, UTCDateTime)),
                else_=literal(post.timestamp, UTCDateTime),
            )
        )
    )


@event.listens_for(Post, "after_delete")
def forget_newest_post(mapper, connection, post: Post) -> None:
    """A deleted post may have been its author's newest: their follows' value is unknown again."""
    connection.execute(
        update(followers)
        .where(followers.c.followed_id == post.user_id)
        .values(followed_last_post_at=None)
    )


def refresh_newest_posts(connection) -> None:
    """Set every follow's followed_last_post_at from the posts (after bulk inserts)."""
    newest = (
        select(func.max(Post.timestamp))
        .where(Post.user_id == followers.c.followed_id, Post.hidden == 0)
        .scalar_subquery()
    )
    connection.execute(update(followers).values(followed_last_post_at=newest))


def _count_follows_where(condition) -> int:
    return db.session.scalar(select(func.count()).select_from(followers).where(condition)) or 0


class FollowMixin:
    """User's follow verbs under the tutorial's names (follow, unfollow, is_following, counts)."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]
        following: WriteOnlyMapped[User]

    def is_following(self, user: "User") -> bool:
        query = self.following.select().where(followers.c.followed_id == user.id)
        return db.session.scalar(query) is not None

    def follow(self, user: "User") -> bool:
        """Follow `user`; False when that is not possible (yourself, or already followed)."""
        if user is self or self.is_following(user):
            return False
        self.following.add(user)
        return True

    def unfollow(self, user: "User") -> bool:
        if not self.is_following(user):
            return False
        self.following.remove(user)
        return True

    def followers_count(self) -> int:
        return _count_follows_where(followers.c.followed_id == self.id)

    def following_count(self) -> int:
        return _count_follows_where(followers.c.follower_id == self.id)


def end_follows_with(user_id: int, accounts: Select) -> None:
    """End the follows, both ways, between the user and any of `accounts` (a select of user
    ids); the caller commits."""
    db.session.execute(
        delete(followers).where(
            or_(
                (followers.c.follower_id == user_id) & followers.c.followed_id.in_(accounts),
                (followers.c.followed_id == user_id) & followers.c.follower_id.in_(accounts),
            )
        )
    )
