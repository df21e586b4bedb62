"""Follows awaiting approval: a user who approves their followers (user.approve_followers,
ActivityPub's manuallyApprovesFollowers) is followed only once they accept."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Select, String, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.extensions import db
from app.models.inbox_activity import URI_MAX
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User


class FollowRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    followed_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The Follow activity's id, which the Accept or Reject sent back names; NULL for a
    # request made on this site.
    activity_uri: Mapped[str | None] = mapped_column(String(URI_MAX), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    follower: Mapped["User"] = relationship(foreign_keys=[follower_id])
    followed: Mapped["User"] = relationship(foreign_keys=[followed_id])

    __table_args__ = (UniqueConstraint("follower_id", "followed_id"),)

    @staticmethod
    def between(follower: "User", followed: "User") -> "FollowRequest | None":
        """`follower`'s request to follow `followed`, if one awaits."""
        query = select(FollowRequest).where(
            FollowRequest.follower_id == follower.id, FollowRequest.followed_id == followed.id
        )
        return db.session.scalar(query)

    @staticmethod
    def by_activity(activity_uri: str) -> "FollowRequest | None":
        query = select(FollowRequest).where(FollowRequest.activity_uri == activity_uri)
        return db.session.scalar(query.limit(1))

    @staticmethod
    def awaiting(followed: "User") -> Select:
        """The requests to follow `followed`, oldest first, with who asks."""
        return (
            select(FollowRequest)
            .options(joinedload(FollowRequest.follower))
            .where(FollowRequest.followed_id == followed.id)
            .order_by(FollowRequest.created_at, FollowRequest.id)
        )

    def accept(self) -> None:
        """The follower follows now; the request is gone (the caller commits)."""
        self.follower.follow(self.followed)
        db.session.delete(self)

    def reject(self) -> None:
        """The request is gone, no follow made (the caller commits)."""
        db.session.delete(self)


class FollowRequestMixin:
    """User's approval setting and the follow that honours it."""

    if TYPE_CHECKING:  # what the mixin uses of User
        id: Mapped[int]

        def follow(self, user: "User") -> bool: ...
        def is_following(self, user: "User") -> bool: ...

    # ActivityPub's manuallyApprovesFollowers: set on the settings page.
    approve_followers: Mapped[bool] = mapped_column(default=False, server_default=false())

    def ask_to_follow(self, followed: "User", activity_uri: str | None = None) -> bool:
        """Follow `followed` now, True; or, as they approve their followers, leave them a
        request (a FollowRequest, kept once however often asked), False (the caller commits).
        `activity_uri`: the Follow activity's id, when the asker is on another server."""
        if followed.id == self.id:
            return False
        if self.is_following(followed):
            return True
        if not followed.approve_followers:
            self.following.add(followed)  # type: ignore[attr-defined]
            return True
        request = FollowRequest.between(self, followed)  # type: ignore[arg-type]
        if request is None:
            request = FollowRequest(follower_id=self.id, followed_id=followed.id)
            db.session.add(request)
        if activity_uri:
            request.activity_uri = activity_uri
        return False

    def withdraw_follow_request(self, followed: "User") -> bool:
        """Take back a request to follow `followed`; False if none awaited (caller commits)."""
        request = FollowRequest.between(self, followed)  # type: ignore[arg-type]
        if request is None:
            return False
        db.session.delete(request)
        return True
