"""Tombstones (app/models/tombstone.py): one a deleted id however often it is deleted, on
each database (one statement that skips a duplicate), found by any of the ids asked about,
and forgotten once older than the days given."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Tombstone, utcnow

NOTE = "https://social.example/users/bob/statuses/1"
BOB = "https://social.example/users/bob"


def test_a_deletion_is_recorded_once(app_on_each_database):
    with app_on_each_database.app_context():
        Tombstone.record(NOTE)
        db.session.commit()
        Tombstone.record(NOTE)
        Tombstone.record("x" * 513)  # no id that long is kept anywhere: nothing to stop
        db.session.commit()
        assert db.session.scalars(select(Tombstone.uri)).all() == [NOTE]
        assert Tombstone.any_of(NOTE)
        assert Tombstone.any_of(f"{BOB}/statuses/2", NOTE)
        assert not Tombstone.any_of(f"{BOB}/statuses/2", BOB)
        assert not Tombstone.any_of(None)


def test_old_tombstones_are_pruned(app_on_each_database):
    now = utcnow()
    with app_on_each_database.app_context():
        db.session.add(Tombstone(uri=NOTE, deleted_at=now - timedelta(days=91)))
        db.session.add(Tombstone(uri=BOB, deleted_at=now - timedelta(days=89)))
        db.session.commit()
        assert Tombstone.prune(90) == 1
        db.session.commit()
        assert db.session.scalars(select(Tombstone.uri)).all() == [BOB]
