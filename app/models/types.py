"""Column types and defaults shared by every model."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.dialects import mysql

# The id columns are 32-bit integers on PostgreSQL and MariaDB: a larger id cannot exist, and
# looking one up overflows the database's (and SQLite's 64-bit) integer parameter.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as naive UTC on every database and always read back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        # MariaDB/MySQL DATETIME drops fractions of a second unless asked to keep them.
        if dialect.name in {"mysql", "mariadb"}:
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    """A UTC time as the API writes it: 2024-05-01T12:00:00Z."""
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
