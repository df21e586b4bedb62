"""`flask accounts prune` removes the accounts nobody confirmed in time, and nothing else."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import LoginSession, Post, Tombstone, User, utcnow
from tests.conftest import add_user


def test_prune_removes_old_unconfirmed_accounts_only(app_on_each_database):
    app = app_on_each_database
    now = utcnow()
    add_user(app, "stale", confirmed_at=None, created_at=now - timedelta(days=8))
    add_user(app, "fresh", confirmed_at=None, created_at=now - timedelta(days=6))
    add_user(app, "old", created_at=now - timedelta(days=300))
    with app.app_context():
        stale = db.session.scalar(User.by_username("stale"))
        old = db.session.scalar(User.by_username("old"))
        # Others may follow an unconfirmed account: those rows go with it.
        old.follow(stale)
        db.session.add(Post(body="from before the rule", author=stale))
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["accounts", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 account(s) left unconfirmed for more than 7 days." in result.output
    with app.app_context():
        assert sorted(db.session.scalars(select(User.username))) == ["fresh", "old"]
        assert db.session.scalar(select(Post)) is None
        assert db.session.scalar(User.by_username("old")).following_count() == 0


def test_the_age_is_a_setting(app_on_each_database):
    app = app_on_each_database
    for name, age in (("a", 6), ("b", 8)):
        add_user(app, name, confirmed_at=None, created_at=utcnow() - timedelta(days=age))
    runner = app.test_cli_runner()
    app.config["UNCONFIRMED_ACCOUNT_DAYS"] = 30
    assert "Removed 0 account(s)" in runner.invoke(args=["accounts", "prune"]).output
    app.config["UNCONFIRMED_ACCOUNT_DAYS"] = 5
    assert "Removed 2 account(s)" in runner.invoke(args=["accounts", "prune"]).output


def test_prune_removes_long_ended_and_expired_session_records(app_on_each_database):
    app = app_on_each_database
    now = utcnow()
    susan = add_user(app, "susan")
    with app.app_context():
        for name, ended, seen in (
            ("ended-long-ago", now - timedelta(days=31), now),
            ("ended-lately", now - timedelta(days=29), now),
            ("live", None, now - timedelta(days=300)),
            ("expired", None, now - timedelta(days=400)),
        ):
            LoginSession.start(susan, id=name, ended_at=ended, last_seen=seen)
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["accounts", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 2 session record(s) ended over 30 days ago or expired." in result.output
    with app.app_context():
        assert sorted(db.session.scalars(select(LoginSession.id))) == ["ended-lately", "live"]


def test_prune_forgets_old_tombstones(app_on_each_database):
    app = app_on_each_database
    now = utcnow()
    with app.app_context():
        for uri, age in (("https://social.example/a", 91), ("https://social.example/b", 89)):
            db.session.add(Tombstone(uri=uri, deleted_at=now - timedelta(days=age)))
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["accounts", "prune"])
    assert result.exit_code == 0, result.output
    assert "Forgot 1 post(s) and account(s) deleted elsewhere over 90 days ago." in result.output
    app.config["FEDERATION_TOMBSTONE_DAYS"] = 10
    result = app.test_cli_runner().invoke(args=["accounts", "prune"])
    assert "Forgot 1 post(s) and account(s) deleted elsewhere over 10 days ago." in result.output
    with app.app_context():
        assert db.session.scalar(select(Tombstone)) is None
