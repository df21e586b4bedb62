"""Whole servers: the admins' block and silence (/admin/domains and `flask domains`, each
logged), what a block does to the server's accounts and what lifting it undoes, and a user's
own block of a server (from /blocked and from a remote account's profile)."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Alert, DomainBlock, ModerationLog, Post, User
from app.models import domain_block as rules
from app.models.mentions import mentioned_ids
from app.models.moderation import HIDDEN, LISTED, SUSPENDED
from app.models.remote_actor import normalize_domain
from tests.activitypub.conftest import remember_bob
from tests.conftest import add_user

HOST = "remote.example"
BOB = f"bob@{HOST}"


def seed(app) -> None:
    """susan; boss, an admin; bob of remote.example, who follows susan and wrote two posts
    (one a moderator hid); carol of remote.example, suspended by an admin before."""
    add_user(app, "susan")
    add_user(app, "boss", is_admin=True)
    with app.app_context():
        susan, boss = (db.session.scalar(User.by_username(n)) for n in ("susan", "boss"))
        bob = remember_bob(HOST)
        carol = User.remember_remote(
            f"https://{HOST}/users/carol", "carol", HOST, f"https://{HOST}/users/carol/inbox",
            None, "pem", f"https://{HOST}/users/carol#main-key",
        )  # fmt: skip
        db.session.flush()
        bob.follow(susan)
        susan.follow(bob)
        Post.write(bob, "bob's first")
        boss.hide_post(Post.write(bob, "bob's rude one"))
        Post.write(carol, "carol's")
        boss.suspend(carol)
        db.session.commit()


@pytest.fixture
def site(app):
    seed(app)


@pytest.fixture
def each_site(app_on_each_database):
    """seed() on a migrated database of each kind: the block's updates run on each."""
    seed(app_on_each_database)
    return app_on_each_database


def state(app) -> dict:
    """Who is suspended, and each post's hidden state, by body."""
    with app.app_context():
        users = db.session.scalars(select(User).where(User.username.like(f"%@{HOST}")))
        posts = db.session.scalars(select(Post))
        return {
            "suspended": sorted(u.username for u in users if u.is_suspended),
            "posts": {post.body: post.hidden for post in posts},
        }


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("example.com", "example.com"),
        ("  Example.COM. ", "example.com"),
        ("https://example.com/users/bob", "example.com"),
        ("@bob@example.com", "example.com"),
        ("127.0.0.1:8080", "127.0.0.1:8080"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_a_server_is_kept_as_its_handles_end(typed, domain):
    assert normalize_domain(typed) == domain


@pytest.mark.parametrize(
    "typed", ["", "exa mple.com", "-x.com", "example.com:port", "a/b", "x" * 300]
)
def test_what_is_no_servers_name(typed):
    with pytest.raises(ValueError):
        normalize_domain(typed)


def test_a_block_suspends_the_servers_accounts_and_lifting_it_lets_back_only_those(each_site):
    app = each_site
    before = state(app)
    assert before == {
        "suspended": [f"carol@{HOST}"],
        "posts": {"bob's first": LISTED, "bob's rude one": HIDDEN, "carol's": SUSPENDED},
    }
    with app.app_context():
        assert rules.impose(HOST, rules.BLOCK, "boss", "spam")
        assert not rules.impose(HOST, rules.BLOCK, "boss")  # already
        db.session.commit()
    assert state(app) == {
        "suspended": [BOB, f"carol@{HOST}"],
        "posts": {"bob's first": SUSPENDED, "bob's rude one": HIDDEN, "carol's": SUSPENDED},
    }
    with app.app_context():
        # Follows stay (the block is lifted as it came), but they carry nothing now.
        susan = db.session.scalar(User.by_username("susan"))
        assert susan.is_following(db.session.scalar(User.by_username(BOB)))
        # A silence instead of the block lets them back too.
        assert rules.impose(HOST, rules.SILENCE, "boss")
        db.session.commit()
    assert state(app) == before
    with app.app_context():
        rules.impose(HOST, rules.BLOCK, "boss")
        db.session.commit()
        assert rules.lift(HOST, "boss", "made up")
        assert not rules.lift(HOST, "boss")
        db.session.commit()
        about_servers = select(ModerationLog).where(ModerationLog.target_domain.is_not(None))
        entries = db.session.scalars(about_servers.order_by(ModerationLog.id))
        log = [(e.action, e.target_domain, e.reason) for e in entries]
        assert DomainBlock.by_domain(HOST) is None
    assert state(app) == before
    assert log == [
        ("block_domain", HOST, "spam"),
        ("silence_domain", HOST, ""),
        ("block_domain", HOST, ""),
        ("lift_domain", HOST, "made up"),
    ]


def test_only_admins_have_the_servers_page(client, auth, site):
    assert client.get("/admin/domains").status_code == 302  # to sign in
    auth.login("susan")
    assert client.get("/admin/domains").status_code == 403
    assert client.post("/admin/domains", data={"domain": HOST}).status_code == 403
    assert client.post(f"/admin/domains/{HOST}/lift").status_code == 403


def test_an_admin_blocks_silences_and_lifts_from_the_servers_page(app, client, auth, site):
    auth.login("boss")
    assert "No server is blocked or silenced." in client.get("/admin/domains").text
    response = client.post(
        "/admin/domains",
        data={"domain": f"https://{HOST}/@bob", "severity": "silence", "reason": "noisy"},
        follow_redirects=True,
    )
    assert f"{HOST} is silenced." in response.text and "Silenced" in response.text
    response = client.post(
        "/admin/domains", data={"domain": HOST, "severity": "block"}, follow_redirects=True
    )
    assert f"{HOST} is blocked." in response.text
    assert state(app)["suspended"] == [BOB, f"carol@{HOST}"]
    page = client.get("/admin/log").text
    assert "Blocked a server" in page and "Silenced a server" in page and "noisy" in page
    response = client.post(f"/admin/domains/{HOST}/lift", follow_redirects=True)
    assert f"{HOST} is no longer blocked or silenced." in response.text
    assert state(app)["suspended"] == [f"carol@{HOST}"]
    # What is not a server's name is said so, and nothing changes.
    response = client.post("/admin/domains", data={"domain": "not a host", "severity": "block"})
    assert response.status_code == 200 and "like example.com" in response.text
    response = client.post("/admin/domains", data={"domain": HOST, "severity": "delete"})
    assert response.status_code == 200 and "Not a valid choice" in response.text
    assert client.post("/admin/domains/bad%20host/lift").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(DomainBlock)).all() == []


def test_the_command_line(each_site):
    app = each_site
    runner = app.test_cli_runner()
    result = runner.invoke(args=["domains", "silence", HOST, "--reason", "noisy"])
    assert result.exit_code == 0 and f"{HOST} is now silenced." in result.output
    result = runner.invoke(args=["domains", "block", HOST])
    assert f"{HOST} is now blocked." in result.output
    assert f"{HOST} is already blocked." in runner.invoke(args=["domains", "block", HOST]).output
    assert f"{HOST}\tblock\t" in runner.invoke(args=["domains", "list"]).output
    assert state(app)["suspended"] == [BOB, f"carol@{HOST}"]
    result = runner.invoke(args=["domains", "lift", HOST])
    assert f"{HOST} is no longer blocked or silenced." in result.output
    assert "is neither blocked" in runner.invoke(args=["domains", "lift", HOST]).output
    result = runner.invoke(args=["domains", "block", "not a host"])
    assert result.exit_code != 0 and "not a server's name" in result.output
    with app.app_context():
        moderators = set(db.session.scalars(select(ModerationLog.moderator)))
    assert "(flask domains)" in moderators


def test_a_user_blocks_a_server_from_a_profile_and_the_blocked_page(app, client, auth, site):
    auth.login("susan")
    profile = client.get(f"/user/{BOB}").text
    assert "bob's first" in profile and f"Block {HOST}" in profile
    response = client.post(f"/blocked/domains/{HOST}/block?next=/user/{BOB}", follow_redirects=True)
    assert f"You blocked {HOST}" in response.text
    assert f"You block {HOST}, the server of {BOB}" in response.text
    assert "bob's first" not in response.text and f"Unblock {HOST}" in response.text
    with app.app_context():
        susan, bob = (db.session.scalar(User.by_username(n)) for n in ("susan", BOB))
        # Follows ended both ways; bob can neither follow susan again, nor alert her.
        assert not susan.is_following(bob) and not bob.is_following(susan)
        assert susan.either_blocks(bob) and bob.either_blocks(susan)
        assert bob.is_blocked_by(susan) and not susan.is_blocked_by(bob)
        assert mentioned_ids(["susan"], bob.id) == []
        assert susan.block_total == 1
    assert "You cannot follow" in client.post(f"/follow/{BOB}", follow_redirects=True).text
    page = client.get("/blocked").text
    assert HOST in page
    response = client.post(f"/blocked/domains/{HOST}/unblock", follow_redirects=True)
    assert f"You unblocked {HOST}." in response.text and "blocked-servers" not in response.text
    with app.app_context():
        susan, bob = (db.session.scalar(User.by_username(n)) for n in ("susan", BOB))
        assert not susan.either_blocks(bob) and susan.block_total == 0
        assert mentioned_ids(["susan"], bob.id) == [susan.id]
    # Typed on the blocked page; what is not a server is said so.
    response = client.post(
        "/blocked/domains", data={"domain": f"@bob@{HOST}"}, follow_redirects=True
    )
    assert f"You blocked {HOST}" in response.text
    response = client.post("/blocked/domains", data={"domain": "a b"}, follow_redirects=True)
    assert "like example.com" in response.text
    assert client.post("/blocked/domains/bad%20host/block").status_code == 404
    assert "/blocked" in client.get("/account/").text


def test_a_blocked_servers_alerts_leave_the_count_and_the_page(app, site):
    with app.app_context():
        susan, bob = (db.session.scalar(User.by_username(n)) for n in ("susan", BOB))
        Post.write(bob, "hi @susan")  # which tells her
        db.session.commit()
        assert susan.count_unread_alerts() == 1
        susan.block_domain(HOST)
        db.session.commit()
        assert susan.count_unread_alerts() == 0
        assert db.session.scalars(Alert.received_by(susan)).all() == []
        susan.unblock_domain(HOST)
        db.session.commit()
        assert susan.count_unread_alerts() == 1
