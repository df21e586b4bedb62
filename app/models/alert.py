"""Alerts: what others did that concerns a user (a mention now; replies, likes and boosts
can come under their own kind), newest first, and the count of those not yet seen."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    and_,
    column,
    func,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.extensions import db
from app.models.notification import Notification
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.post import Post
    from app.models.user import User

MENTION = "mention"
# The notification (app/models/notification.py) the pages poll for the navbar's alert count.
UNREAD_ALERT_COUNT = "unread_alert_count"
# The user table's columns the unread count and mentions read (app/models/user.py builds on
# this module).
USERS = table(
    "user",
    column("id", Integer),
    column("username", String),
    column("last_alert_read_time", UTCDateTime),
    column("block_total", Integer),
)
# Whom a user blocks or mutes (Block of app/models/blocks.py, which imports the posts that
# import this module): their alerts are left out, even those from before.
BLOCKS = table("user_block", column("user_id", Integer), column("target_id", Integer))
# Which servers a user blocks, and each remote account's server and the domains above it
# (blocks.py, remote_actor.py ActorDomain): the accounts of a blocked server and of its
# subdomains are blocked one by one.
DOMAIN_BLOCKS = table("user_domain_block", column("user_id", Integer), column("domain", String))
ACTORS = table("actor_domain", column("user_id", Integer), column("domain", String))


class Alert(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Who is told.
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    # Who did it, and to which post, if any.
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), index=True
    )
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped["User"] = relationship(foreign_keys=[actor_id])
    post: Mapped["Post | None"] = relationship()

    __table_args__ = (
        # A user's alerts newest first, and the count of those since they last looked.
        Index("ix_alert_user_id_timestamp", "user_id", "timestamp"),
    )

    def __repr__(self) -> str:
        return f"<Alert {self.kind} for {self.user_id}>"

    @staticmethod
    def mentions(post: "Post", user_ids: Iterable[int]) -> None:
        """Tell each of `user_ids` that `post` mentions them (the caller commits)."""
        told = list(user_ids)
        for user_id in told:
            db.session.add(Alert(user_id=user_id, kind=MENTION, actor_id=post.user_id, post=post))
        Alert.count_for_pages(told)

    @staticmethod
    def receivers(post_id: int) -> list[int]:
        """Who was told about the post: their counts change when it goes."""
        return list(db.session.scalars(select(Alert.user_id).where(Alert.post_id == post_id)))

    @staticmethod
    def count_for_pages(user_ids: Iterable[int]) -> None:
        """Give each user's open pages their unread count anew, as the UNREAD_ALERT_COUNT
        notification they poll for, the way the messages' count goes (the caller commits)."""
        ids = sorted(set(user_ids))
        if not ids:
            return
        unread = Alert.unread(USERS.c.id, USERS.c.last_alert_read_time, USERS.c.block_total)
        query = (
            select(USERS.c.id, func.count(Alert.id))
            .select_from(USERS)
            .join(Alert, unread, isouter=True)
            .where(USERS.c.id.in_(ids))
            .group_by(USERS.c.id)
        )
        counts = {user_id: count for user_id, count in db.session.execute(query)}
        for user_id in ids:
            Notification.replace_for(user_id, UNREAD_ALERT_COUNT, counts.get(user_id, 0))

    @staticmethod
    def received_by(user: "User") -> Select:
        """The user's alerts, newest first, each with who did it and their post; none from
        whom they block or mute, even from before."""
        query = select(Alert).where(Alert.user_id == user.id)
        if user.block_total:
            query = query.where(not_from_filtered(user.id))
        return query.options(joinedload(Alert.actor), joinedload(Alert.post)).order_by(
            Alert.timestamp.desc(), Alert.id.desc()
        )

    @staticmethod
    def unread(user_id, read_until, block_total) -> ColumnElement[bool]:
        """The alerts of `user_id` since `read_until` (all while it is NULL), none from whom
        they block or mute: columns of User, for its unread_alerts."""
        # Only a user who blocks or mutes someone pays for the check, as in received_by.
        shown = or_(block_total == 0, not_from_filtered(user_id))
        return and_(
            Alert.user_id == user_id, or_(read_until.is_(None), Alert.timestamp > read_until), shown
        )


def not_from_filtered(user_id) -> ColumnElement[bool]:
    """The alert's actor is not one `user_id` blocks or mutes, nor of a server they block (a
    user's column, or an id)."""
    # Correlated by hand: within a count's subquery, the user is two selects out.
    filtered = select(BLOCKS.c.target_id).where(BLOCKS.c.user_id == user_id)
    of_servers = (
        select(ACTORS.c.user_id)
        .join(DOMAIN_BLOCKS, DOMAIN_BLOCKS.c.domain == ACTORS.c.domain)
        .where(DOMAIN_BLOCKS.c.user_id == user_id)
    )
    return Alert.actor_id.not_in(
        filtered.correlate_except(BLOCKS).union_all(
            of_servers.correlate_except(ACTORS, DOMAIN_BLOCKS)
        )
    )


class AlertsMixin:
    """User's alerts: the unread count the navbar shows, and marking them read."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]
        unread_alerts: Mapped[int]
        last_alert_read_time: Mapped[datetime | None]

    def unread_alert_count(self) -> int:
        """Alerts since the user last read them (loaded with the signed-in user)."""
        return self.unread_alerts or 0

    def count_unread_alerts(self) -> int:
        """unread_alert_count(), counted anew: after alerts arrive or are read."""
        user = type(self)
        return db.session.scalar(select(user.unread_alerts).where(user.id == self.id)) or 0

    def mark_alerts_read(self, until: datetime) -> None:
        """Count the alerts until `until` as read (the caller commits): never a time to come,
        never earlier than before (a page left open in another tab)."""
        until = min(until, utcnow())
        if self.last_alert_read_time is None or until > self.last_alert_read_time:
            self.last_alert_read_time = until
            self.recount_alerts()

    def recount_alerts(self) -> None:
        """Give the user's open pages their unread count anew (the caller commits)."""
        db.session.flush()
        Alert.count_for_pages([self.id])
