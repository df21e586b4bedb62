"""Reports: a user tells the admins that a post or an account breaks the rules."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Select, String, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.post import Post
    from app.models.user import User

# The reasons a report may give (labels in app/moderation/forms.py).
REASONS = ("spam", "abuse", "illegal", "other")
DETAILS_MAX = 500


class Report(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The reported account: the post's author for a post.
    target_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(String(DETAILS_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None while open: the admin queue lists the open ones, oldest first.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    reporter: Mapped["User"] = relationship(foreign_keys=[reporter_id])
    target: Mapped["User"] = relationship(foreign_keys=[target_id])
    post: Mapped["Post | None"] = relationship()

    @staticmethod
    def file(reporter: "User", target: "User", post: "Post | None", reason: str, details: str):
        """A new open report (the caller commits); ValueError for a reason not in REASONS."""
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        report = Report(
            reporter_id=reporter.id,
            target_id=target.id,
            post_id=post.id if post is not None else None,
            reason=reason,
            details=(details or "").strip()[:DETAILS_MAX],
        )
        db.session.add(report)
        return report

    @staticmethod
    def open_reports() -> Select:
        """The queue: open reports, oldest first, with their people and post loaded."""
        return (
            select(Report)
            .where(Report.resolved_at.is_(None))
            .options(
                joinedload(Report.reporter), joinedload(Report.target), joinedload(Report.post)
            )
            .order_by(Report.created_at, Report.id)
        )

    def resolve(self) -> None:
        self.resolved_at = utcnow()

    @staticmethod
    def resolve_all_about(*, post_id: int | None = None, target_id: int | None = None) -> None:
        """Close the open reports about a post or an account an admin has acted on."""
        query = update(Report).where(Report.resolved_at.is_(None))
        if post_id is not None:
            query = query.where(Report.post_id == post_id)
        if target_id is not None:
            query = query.where(Report.target_id == target_id)
        db.session.execute(query.values(resolved_at=utcnow()))
