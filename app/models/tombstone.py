"""The ids of posts from other servers that their authors deleted, and of accounts deleted
there: a Create sent again, an Update, a boost or any other way a deleted Note can come back
after its Delete (deliveries are retried, and come in any order) finds it here, and it is
not made again. They are kept FEDERATION_TOMBSTONE_DAYS (`flask accounts prune`)."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.inbox_activity import URI_MAX, insert_new
from app.models.types import UTCDateTime, utcnow


class Tombstone(db.Model):
    # A Note's id, or an actor's (then none of their Notes is made again).
    uri: Mapped[str] = mapped_column(String(URI_MAX), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @staticmethod
    def record(uri: str) -> None:
        """`uri` was deleted by its author (the caller commits); once however often it is."""
        if 0 < len(uri) <= URI_MAX:
            insert_new(Tombstone, {"uri": uri, "deleted_at": utcnow()})

    @staticmethod
    def any_of(*uris: str | None) -> bool:
        """Whether any of these ids was deleted (a Note's, its author's)."""
        wanted = [uri for uri in uris if uri]
        if not wanted:
            return False
        query = select(Tombstone.uri).where(Tombstone.uri.in_(wanted)).limit(1)
        return db.session.scalar(query) is not None

    @staticmethod
    def prune(days: int, now: datetime | None = None) -> int:
        """Forget the deletions older than `days` days; how many (the caller commits)."""
        cutoff = (now or utcnow()) - timedelta(days=days)
        result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            delete(Tombstone).where(Tombstone.deleted_at < cutoff),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount
