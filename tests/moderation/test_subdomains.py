"""A rule about a server covers its subdomains, as Mastodon's do: the admins' block or silence
and a user's block of example.com are those of social.example.com and a.b.example.com too,
never of notexample.com; where rules overlap, a block lasts as long as one covers the account.
(tests/moderation/test_domain_listings.py checks the lists of posts.)"""

import pytest
from sqlalchemy import select

from app.activitypub.domains import refuses
from app.extensions import db
from app.federation.delivery import deliver
from app.federation.fetch import HostRefused, fetch_document
from app.models import Alert, Post, User
from app.models import domain_block as rules
from app.models.mentions import mentioned_ids
from app.models.remote_actor import domain_and_parents
from tests.activitypub.conftest import remember_bob
from tests.conftest import add_user

COVERED = ("example.com", "social.example.com", "a.b.example.com")
HOSTS = (*COVERED, "notexample.com", "example.com.evil")


@pytest.mark.parametrize(
    ("domain", "names"),
    [
        ("example.com", ["example.com", "com"]),
        ("a.b.example.com", ["a.b.example.com", "b.example.com", "example.com", "com"]),
        ("social.example:8443", ["social.example:8443", "example:8443"]),
        ("localhost", ["localhost"]),
        ("127.0.0.1:8000", ["127.0.0.1:8000"]),
        ("[::1]:8000", ["[::1]:8000"]),
    ],
)
def test_a_server_and_the_domains_above_it(domain, names):
    assert domain_and_parents(domain) == names


def seed(app) -> None:
    """susan; bob on each of HOSTS, each with a post and following susan."""
    add_user(app, "susan")
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        for host in HOSTS:
            bob = remember_bob(host)
            db.session.flush()
            bob.follow(susan)
            Post.write(bob, f"bob of {host}")
        db.session.commit()


@pytest.fixture
def site(app):
    seed(app)
    return app


@pytest.fixture
def each_site(app_on_each_database):
    """seed() on a migrated database of each kind: the rules' updates run on each."""
    seed(app_on_each_database)
    return app_on_each_database


def suspended(app) -> list[str]:
    with app.app_context():
        users = db.session.scalars(select(User).where(User.suspended_at.is_not(None)))
        return sorted(user.domain for user in users)


def test_a_block_covers_the_servers_subdomains(each_site):
    app = each_site
    with app.app_context():
        rules.impose("example.com", rules.BLOCK, "boss")
        db.session.commit()
        assert rules.blocked_among(HOSTS) == set(COVERED)
        assert [refuses(f"https://{host}/users/bob") for host in HOSTS] == [True] * 3 + [False] * 2
    assert suspended(app) == sorted(COVERED)
    with app.app_context():
        rules.lift("example.com", "boss")
        db.session.commit()
    assert suspended(app) == []


def test_nothing_is_fetched_from_or_delivered_to_a_blocked_servers_subdomain(site):
    with site.app_context():
        rules.impose("example.com", rules.BLOCK, "boss")
        db.session.commit()
        inboxes = [f"https://{host}/inbox" for host in COVERED[1:]]
        assert deliver({"type": "Like"}, inboxes, 1) == []
        with pytest.raises(HostRefused):
            fetch_document("https://a.b.example.com/users/bob")


def apply(app, *changes: tuple[str, str | None]) -> list[str]:
    """Each (domain, severity) imposed, or lifted where the severity is None, committed one
    by one; then the servers of the accounts suspended."""
    with app.app_context():
        for domain, severity in changes:
            if severity is None:
                rules.lift(domain, "boss")
            else:
                rules.impose(domain, severity, "boss")
            db.session.commit()
    return suspended(app)


@pytest.mark.parametrize("first", ["example.com", "social.example.com"])
def test_overlapping_blocks_let_an_account_back_when_the_last_is_lifted(each_site, first):
    app = each_site
    then = "social.example.com" if first == "example.com" else "example.com"
    assert apply(app, (first, rules.BLOCK), (then, rules.BLOCK)) == sorted(COVERED)
    # example.com's block becomes a silence: social.example.com stays blocked.
    assert apply(app, ("example.com", rules.SILENCE)) == ["social.example.com"]
    lifted = apply(app, ("example.com", rules.BLOCK), ("example.com", None))
    assert lifted == ["social.example.com"]
    lifted = apply(app, ("example.com", rules.BLOCK), ("social.example.com", None))
    assert lifted == sorted(COVERED)
    assert apply(app, ("example.com", None)) == []
    with app.app_context():
        assert db.session.scalars(select(Post).where(Post.hidden != 0)).all() == []


def test_a_users_block_covers_the_servers_subdomains(site, client, auth):
    with site.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        bobs = {host: db.session.scalar(User.by_username(f"bob@{host}")) for host in HOSTS}
        for bob in bobs.values():
            Post.write(bob, "hi @susan")  # which tells her
        db.session.commit()
        assert susan.count_unread_alerts() == len(HOSTS)
        assert susan.block_domain("example.com")
        db.session.commit()
        assert susan.count_unread_alerts() == 2
        alerts = db.session.scalars(Alert.received_by(susan)).all()
        assert sorted(alert.actor.domain for alert in alerts) == sorted(HOSTS[3:])
        for host, bob in bobs.items():
            covered = host in COVERED
            assert susan.either_blocks(bob) is covered and bob.is_blocked_by(susan) is covered
            assert (mentioned_ids(["susan"], bob.id) == []) is covered
            # Their follows of susan ended, the others' stayed.
            assert bob.is_following(susan) is not covered
        # A block of a subdomain too is a rule of its own.
        assert susan.block_domain("social.example.com")
        assert not susan.block_domain("social.example.com")
        db.session.commit()
    auth.login("susan")
    profile = client.get("/user/bob@a.b.example.com").text
    assert "You block example.com, the server of bob@a.b.example.com" in profile
    assert "Unblock example.com" in profile and "bob of a.b.example.com" not in profile
    response = client.post(
        "/blocked/domains/example.com/unblock?next=/user/bob@a.b.example.com",
        follow_redirects=True,
    )
    assert "bob of a.b.example.com" in response.text and "Block a.b.example.com" in response.text
    assert "Unblock social.example.com" in client.get("/user/bob@social.example.com").text
