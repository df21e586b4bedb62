"""Reading a Note's times (app/activitypub/notes.py): in UTC, never in the future, and none
for what cannot be read, however odd."""

from datetime import UTC, datetime

import pytest

from app.activitypub import notes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01T10:00:00Z", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("2026-12-01T11:00:00+01:00", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("2026-12-01T10:00:00", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("0001-01-01T00:00:00+01:00", None),  # before the first moment a datetime holds
        ("yesterday", None),
        (1733047200, None),
        (None, None),
    ],
)
def test_a_moment_is_read_in_utc(value, expected):
    assert notes.moment(value) == expected


def test_a_moment_in_the_future_is_now():
    assert notes.moment("9999-12-31T23:59:59Z") <= datetime.now(UTC)


def test_the_version_of_a_create_falls_back_on_published():
    note = {"published": "2026-12-01T10:00:00Z"}
    assert notes.version(note, created=True) == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert notes.version(note, created=False) is None
    later = note | {"updated": "2026-12-01T11:00:00Z"}
    assert notes.version(later, created=False) == datetime(2026, 12, 1, 11, tzinfo=UTC)
    assert notes.published({"published": "0001-01-01T00:00:00+01:00"}) <= datetime.now(UTC)
