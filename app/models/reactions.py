"""Likes and boosts: who liked or boosted which post, the counts each post keeps, and the
user's verbs (ReactionsMixin: like, unlike, boost, unboost)."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Executable,
    ForeignKey,
    Index,
    Integer,
    Select,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.database import READS_ONLY
from app.extensions import db
from app.models.followers import followers
from app.models.post import Post
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User


class Like(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped["User"] = relationship()

    __table_args__ = (
        # One like per user and post; also "which of these posts did I like" (the action bar).
        UniqueConstraint("user_id", "post_id"),
        # Who liked a post, newest first (the likes page).
        Index("ix_like_post_id_timestamp_id", "post_id", "timestamp", "id"),
    )


class Boost(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped["User"] = relationship()

    __table_args__ = (
        UniqueConstraint("user_id", "post_id"),
        # Who boosted a post: the timeline keeps only the newest boost among a reader's follows.
        Index("ix_boost_post_id_user_id", "post_id", "user_id"),
        # A user's boosts newest first: their share of their followers' timelines.
        Index("ix_boost_user_id_timestamp_post_id", "user_id", "timestamp", "post_id"),
    )


def _insert_once(model: type[Like] | type[Boost], user_id: int, post_id: int) -> bool:
    """Insert the user's row for the post unless it is there (True when inserted): two
    requests at once insert one row, and neither fails on the unique constraint."""
    values = {"user_id": user_id, "post_id": post_id, "timestamp": utcnow()}
    dialect = db.session.get_bind().dialect.name
    statement: Executable
    if dialect == "postgresql":
        statement = postgresql_insert(model).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite_insert(model).values(values).on_conflict_do_nothing()
    else:
        statement = insert(model).values(values).prefix_with("IGNORE")
    # SQLAlchemy keeps an INSERT's rowcount only when asked: psycopg's is -1 otherwise.
    result = db.session.execute(statement, execution_options={"preserve_rowcount": True})
    return result.rowcount == 1  # type: ignore[attr-defined]


def _delete_once(model: type[Like] | type[Boost], user_id: int, post_id: int) -> bool:
    statement = delete(model).where(model.user_id == user_id, model.post_id == post_id)
    result = db.session.execute(statement, execution_options={"synchronize_session": False})
    return result.rowcount == 1  # type: ignore[attr-defined]


def _count(post: Post, column, change: int) -> None:
    """Add `change` to the post's counter in SQL, so that two changes at once both count."""
    db.session.execute(
        update(Post).where(Post.id == post.id).values({column: column + change}),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(post, [column.key])


def likers(post: Post) -> Select:
    """The post's likes, newest first, each with its user (loaded in the same query)."""
    return (
        select(Like)
        .options(joinedload(Like.user))
        .where(Like.post_id == post.id)
        .order_by(Like.timestamp.desc(), Like.id.desc())
    )


def _reactions_to() -> Select:
    """The posts among `posts` that `user` liked (0) and boosted (1), built once."""
    user = bindparam("user", type_=Integer)
    posts = bindparam("posts", type_=Integer, expanding=True)
    liked = select(Like.post_id, literal(0)).where(Like.user_id == user, Like.post_id.in_(posts))
    boosted = select(Boost.post_id, literal(1)).where(
        Boost.user_id == user, Boost.post_id.in_(posts)
    )
    return liked.union_all(boosted)  # type: ignore[return-value]


REACTIONS_TO = _reactions_to()


def _react(model: type, count, user_id: int, post: Post, add: bool) -> bool:
    """Add (or take back) the user's like or boost of the post, and keep its count; False when
    there was nothing to change."""
    changed = (_insert_once if add else _delete_once)(model, user_id, post.id)
    if changed:
        _count(post, count, +1 if add else -1)
    return changed


class ReactionsMixin:
    """User's likes and boosts. Each verb is idempotent and says whether it changed anything."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]

    def like(self, post: Post) -> bool:
        return _react(Like, Post.like_count, self.id, post, add=True)

    def unlike(self, post: Post) -> bool:
        return _react(Like, Post.like_count, self.id, post, add=False)

    def boost(self, post: Post) -> bool:
        """Put the post in my followers' timelines (my own posts too, as Mastodon allows)."""
        return _react(Boost, Post.boost_count, self.id, post, add=True)

    def unboost(self, post: Post) -> bool:
        return _react(Boost, Post.boost_count, self.id, post, add=False)

    def has_liked(self, post: Post) -> bool:
        return bool(self.reactions_to([post.id])[0])

    def has_boosted(self, post: Post) -> bool:
        return bool(self.reactions_to([post.id])[1])

    def reactions_to(self, post_ids: Iterable[int]) -> tuple[set[int], set[int]]:
        """Which of these posts I liked and which I boosted, in one query."""
        ids = list(post_ids)
        if not ids:
            return set(), set()
        # Plain ids, on the session's connection: every list page asks, for its whole page.
        parameters = {"user": self.id, "posts": ids}
        connection = db.session.connection()
        rows = connection.execute(REACTIONS_TO, parameters, execution_options=READS_ONLY).all()
        return {p for p, kind in rows if kind == 0}, {p for p, kind in rows if kind == 1}


def forget_reactions_of(user_id: int) -> None:
    """Take a user's likes and boosts off the posts' counts (before the user's rows go)."""
    for model, column in ((Like, Post.like_count), (Boost, Post.boost_count)):
        mine = select(model.post_id).where(model.user_id == user_id)
        db.session.execute(
            update(Post).where(Post.id.in_(mine)).values({column: column - 1}),
            execution_options={"synchronize_session": False},
        )


def seen_by(user_id, reader):
    """`user_id` is the reader or someone they follow."""
    followed = select(followers.c.followed_id).where(followers.c.follower_id == reader)
    return or_(user_id == reader, user_id.in_(followed))


def boosts_seen_by(reader) -> Select:
    """The boosts by the reader and everyone they follow, as timeline entries: (post id,
    time, booster's id, boost id)."""
    return select(Boost.post_id, Boost.timestamp, Boost.user_id, Boost.id).where(
        seen_by(Boost.user_id, reader)
    )


def refresh_reaction_counts() -> None:
    """Set every post's like and boost counts from the rows (after bulk inserts)."""
    for model, column in ((Like, Post.like_count), (Boost, Post.boost_count)):
        count = select(func.count()).where(model.post_id == Post.id).scalar_subquery()
        db.session.execute(
            update(Post).values({column: count}),
            execution_options={"synchronize_session": False},
        )
