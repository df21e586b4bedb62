"""The ids of the activities our inboxes have handled: servers deliver again when unsure that
a delivery arrived, a job may be tried again, and an activity must act once."""

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, String, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

# Indexed on MariaDB, whose keys are at most 3072 bytes: 512 four-byte characters fit.
URI_MAX = 512


class InboxActivity(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[str] = mapped_column(String(URI_MAX), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @staticmethod
    def check_id(activity_id: str) -> None:
        """ValueError for an id longer than URI_MAX: the inbox refuses that activity (400)."""
        if not activity_id or len(activity_id) > URI_MAX:
            raise ValueError(f"an activity id must be 1 to {URI_MAX} characters long")

    @staticmethod
    def seen(activity_id: str) -> bool:
        """Whether `activity_id` was handled already: the inbox's cheap look before queueing
        it again (first_time, when it is handled, decides)."""
        query = select(InboxActivity.id).where(InboxActivity.activity_id == activity_id)
        return db.session.scalar(query) is not None

    @staticmethod
    def first_time(activity_id: str) -> bool:
        """Record `activity_id` as handled; False if it was already (the caller commits, with
        what handling it did). One statement that skips a duplicate, so two jobs at once
        cannot both pass: the second waits for the first's transaction to end."""
        InboxActivity.check_id(activity_id)
        return insert_new(InboxActivity, {"activity_id": activity_id, "received_at": utcnow()})


def insert_new(model: type[db.Model], values: dict[str, Any]) -> bool:  # type: ignore[name-defined]
    """Insert the row unless one with the same unique key is there; whether it was new (the
    caller commits). One statement, so two transactions at once cannot both insert: the
    second waits for the first to end, and then skips."""
    dialect = db.session.get_bind().dialect.name
    if dialect in {"mysql", "mariadb"}:
        ignored = mysql_insert(model).values(values).prefix_with("IGNORE")
        return cast(CursorResult, db.session.execute(ignored)).rowcount == 1
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    # The new row's key, or none: psycopg counts no rows here (rowcount -1).
    key = list(model.__table__.primary_key.columns)
    statement = insert(model).values(values).on_conflict_do_nothing().returning(*key)
    return db.session.execute(statement).first() is not None
