"""Moderation: admins hide posts and suspend accounts (and undo both), every action logged;
which posts a reader's lists leave out (hidden posts, blocked and muted authors)."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, String, select, update
from sqlalchemy.orm import Mapped, aliased, joinedload, mapped_column

from app.database import READS_ONLY
from app.extensions import db
from app.models.blocks import filtered_authors
from app.models.followers import followers
from app.models.post import Post
from app.models.remote_actor import DOMAIN_MAX
from app.models.types import MAX_ID, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.report import Report
    from app.models.user import User

# Post.hidden: listed; hidden by a moderator; hidden because its author is suspended.
LISTED, HIDDEN, SUSPENDED = 0, 1, 2
REASON_MAX = 500


class ModerationLog(db.Model):
    """One moderation action. Names and ids, not foreign keys: the log outlives the accounts
    and posts it names."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    moderator: Mapped[str] = mapped_column(String(64))
    # hide_post, unhide_post, suspend, unsuspend, dismiss_report, promote, demote;
    # block_domain, silence_domain, lift_domain (app/models/domain_block.py)
    action: Mapped[str] = mapped_column(String(32))
    target_user: Mapped[str | None] = mapped_column(String(64))
    target_post_id: Mapped[int | None]
    target_domain: Mapped[str | None] = mapped_column(String(DOMAIN_MAX))
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")

    @staticmethod
    def newest_first() -> Select:
        return select(ModerationLog).order_by(
            ModerationLog.created_at.desc(), ModerationLog.id.desc()
        )


def log_action(
    moderator: str, action: str, *, user: "User | None" = None, post_id: int | None = None,
    domain: str | None = None, reason: str = "",
) -> ModerationLog:  # fmt: skip
    entry = ModerationLog(
        moderator=moderator,
        action=action,
        target_user=user.username if user is not None else None,
        target_post_id=post_id,
        target_domain=domain,
        reason=(reason or "").strip()[:REASON_MAX],
    )
    db.session.add(entry)
    return entry


def forget_newest_posts(author_id: int) -> None:
    """The author's newest listed post may have changed: their follows' time is unknown
    again (see followers.followed_last_post_at, which timelines trust)."""
    db.session.execute(
        update(followers)
        .where(followers.c.followed_id == author_id)
        .values(followed_last_post_at=None)
    )


def listed_conditions(reader: Any, authors: bool = True) -> list:
    """What a list of posts leaves out for `reader` (a User, or None for a visitor), in plain
    SQLAlchemy: hidden posts, except the reader's own and for admins; with `authors`, the
    authors the reader blocks or mutes. app/speedups/page_queries.py says the same faster."""
    conditions = []
    if not getattr(reader, "is_admin", None):
        # As ids to leave out: the few hidden posts come from ix_post_hidden_user_id, and the
        # list is still read newest first along ix_post_timestamp_id (`hidden = 0` alone
        # made SQLite read every post through the hidden index, then sort them).
        hidden = aliased(Post)
        others = select(hidden.id).where(hidden.hidden > LISTED)
        reader_id = getattr(reader, "id", None)
        if reader_id is not None:
            others = others.where(hidden.user_id != reader_id)
        conditions.append(Post.id.not_in(others))
    if authors and getattr(reader, "block_total", None):
        conditions.append(Post.user_id.not_in(filtered_authors(reader.id)))
    return conditions


def visible_post(id: int, reader: Any) -> Post | None:
    """Post `id` if `reader` (a User, None for a visitor) may open it: a hidden post only
    its author and the admins may. None for no such post, and for an id no post can have."""
    if not 1 <= id <= MAX_ID:
        return None
    # Its page shows the author: one query for both.
    post = db.session.get(Post, id, options=[joinedload(Post.author)], execution_options=READS_ONLY)
    if post is None or (post.hidden and not sees_hidden(post, reader)):
        return None
    return post


def sees_hidden(post: Post, reader: Any) -> bool:
    return bool(getattr(reader, "is_admin", False)) or post.user_id == getattr(reader, "id", None)


class ModeratorMixin:
    """User's moderation columns' verbs: an admin hides posts and suspends accounts (the
    caller commits); each action is logged."""

    if TYPE_CHECKING:
        id: Mapped[int]
        username: Mapped[str]
        is_admin: Mapped[bool]
        suspended_at: Mapped[datetime | None]

        def end_sessions(self) -> None: ...

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    def hide_post(self, post: Post, reason: str = "") -> bool:
        """Hide `post` from every list (its author and admins still see it)."""
        if post.hidden == HIDDEN:
            return False
        post.hidden = HIDDEN
        forget_newest_posts(post.user_id)
        log_action(self.username, "hide_post", user=post.author, post_id=post.id, reason=reason)
        return True

    def unhide_post(self, post: Post, reason: str = "") -> bool:
        if post.hidden != HIDDEN:
            return False
        post.hidden = SUSPENDED if post.author.is_suspended else LISTED
        forget_newest_posts(post.user_id)
        log_action(self.username, "unhide_post", user=post.author, post_id=post.id, reason=reason)
        return True

    def suspend(self, user: "User", reason: str = "") -> bool:
        """Suspend `user`: they cannot sign in any way, their sessions end, their posts leave
        every list. False for yourself or one already suspended."""
        if user.id == self.id or user.is_suspended:
            return False
        user.suspended_at = utcnow()
        user.end_sessions()
        db.session.execute(
            update(Post)
            .where(Post.user_id == user.id, Post.hidden == LISTED)
            .values(hidden=SUSPENDED)
            .execution_options(synchronize_session=False)
        )
        forget_newest_posts(user.id)
        log_action(self.username, "suspend", user=user, reason=reason)
        return True

    def unsuspend(self, user: "User", reason: str = "") -> bool:
        if not user.is_suspended:
            return False
        user.suspended_at = None
        db.session.execute(
            update(Post)
            .where(Post.user_id == user.id, Post.hidden == SUSPENDED)
            .values(hidden=LISTED)
            .execution_options(synchronize_session=False)
        )
        forget_newest_posts(user.id)
        log_action(self.username, "unsuspend", user=user, reason=reason)
        return True

    def dismiss_report(self, report: "Report", reason: str = "") -> bool:
        if report.resolved_at is not None:
            return False
        report.resolve()
        log_action(
            self.username, "dismiss_report", user=report.target, post_id=report.post_id,
            reason=reason or report.reason,
        )  # fmt: skip
        return True
