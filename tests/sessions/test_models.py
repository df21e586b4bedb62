"""Sign-in records: what they say of a browser, when they are written, ended and pruned."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import LoginSession, User
from app.models.login_session import device_digest
from app.sessions.devices import describe_user_agent, hide_address

T0 = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (FIREFOX, ("Firefox", "Windows")),
        (IPHONE, ("Mobile Safari", "iOS")),
        ("curl/8.0", ("curl", None)),
        ("", (None, None)),
        ("x" * 5000, (None, None)),
    ],
)
def test_a_user_agent_is_described_coarsely(user_agent, described):
    assert describe_user_agent(user_agent) == described


@pytest.mark.parametrize(
    ("address", "hidden"),
    [
        ("203.0.113.77", "203.0.113.*"),
        ("2001:db8:1:2:3::5", "2001:db8:1::/48"),
        ("::ffff:198.51.100.9", "198.51.100.*"),
        ("not an address", None),
        (None, None),
    ],
)
def test_the_address_keeps_its_network_only(address, hidden):
    assert hide_address(address) == hidden


def sessions_of(app, **records):
    """A user with a record for each name (at T0), and the records' ids by name."""
    with app.app_context():
        user = User(username="susan", email="susan@example.com")
        db.session.add(user)
        db.session.flush()
        ids = {}
        for name, columns in records.items():
            record = LoginSession.start(user, **{"created_at": T0, "last_seen": T0, **columns})
            ids[name] = record.id
        db.session.commit()
        return ids


def test_last_seen_is_written_at_most_every_five_minutes(app):
    ids = sessions_of(app, laptop={})
    with app.app_context():
        record = db.session.get(LoginSession, ids["laptop"])
        assert not record.seen_now(T0 + timedelta(minutes=4, seconds=59))
        assert record.last_seen == T0
        assert record.seen_now(T0 + timedelta(minutes=5))
        assert record.last_seen == T0 + timedelta(minutes=5)
        assert not record.seen_now(T0 + timedelta(minutes=9))


def test_ending_all_but_one_keeps_that_one(app):
    ids = sessions_of(app, laptop={}, phone={}, tablet={})
    with app.app_context():
        user = db.session.scalar(select(User))
        keep = db.session.get(LoginSession, ids["phone"])
        assert LoginSession.end_all(user, keep=keep) == 2
        db.session.commit()
        assert [r.id for r in LoginSession.active(user)] == [ids["phone"]]
        user.end_sessions()
        db.session.commit()
        assert LoginSession.active(user) == []


def test_a_device_is_new_only_once_the_user_has_signed_in_before(app):
    sessions_of(app)
    with app.app_context():
        user = db.session.scalar(select(User))
        laptop = device_digest("laptop cookie")
        assert not LoginSession.is_new_device(user, laptop), "a first sign-in is not news"
        LoginSession.start(user, device_hash=laptop).end()
        db.session.commit()
        # Known even after that session ended: logging out does not forget the device.
        assert not LoginSession.is_new_device(user, laptop)
        assert LoginSession.is_new_device(user, device_digest("another browser"))


def test_prune_deletes_long_ended_and_expired_records(app):
    now = T0 + timedelta(days=400)
    ids = sessions_of(
        app,
        ended_long_ago={"ended_at": now - timedelta(days=31), "last_seen": now},
        ended_lately={"ended_at": now - timedelta(days=29), "last_seen": now},
        live={"last_seen": now - timedelta(days=2)},
        idle_for_years={},
    )
    with app.app_context():
        removed = LoginSession.prune(30, timedelta(days=366), now=now)
        db.session.commit()
        left = set(db.session.scalars(select(LoginSession.id)))
    assert removed == 2
    assert left == {ids["ended_lately"], ids["live"]}
