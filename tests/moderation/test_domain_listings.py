"""Every list of posts with accounts of other servers in it, a server the admins silence and one
a reader blocks, each rule covering the server's subdomain: plain (app/post_pages.py) and fast
(app/speedups/) leave out the same posts on every page, on each database, and each reader is
spared what the rules say."""

import pytest

from app.extensions import db
from app.models import Post, Tag, User
from app.models import domain_block as rules
from app.post_pages import PostPages
from app.speedups import search
from app.speedups.pages import FastPostPages
from tests.moderation.test_listings import REMOTE, assert_fast_lists_as_plain, pages_of_rows

# notquiet.example: no subdomain of quiet.example, which the admins silence.
LOUD, QUIET, RUDE = "notquiet.example", "quiet.example", "rude.example"


def handle(name: str, host: str) -> str:
    """Each server's ann is on it, its bob on a subdomain of it."""
    return f"ann@{host}" if name == "ann" else f"{name}@social.{host}"


def remote(name: str, host: str) -> User:
    return User.remember_remote(
        f"https://{host}/users/{name}", name, host, f"https://{host}/users/{name}/inbox",
        f"https://{host}/inbox", "pem", f"https://{host}/users/{name}#main-key",
    )  # fmt: skip


def federate() -> None:
    """Two accounts on each of three servers write three #fruit apple posts each; u0 follows
    one of the silenced server's and one of the server they then block; quiet.example is
    silenced; u1 (whom u0 follows) follows the blocked server's other account and boosts a
    post of theirs."""
    u0, u1 = (db.session.scalar(User.by_username(f"u{n}")) for n in range(2))
    accounts = {
        host: [remote(*handle(name, host).split("@")) for name in ("ann", "bob")]
        for host in (LOUD, QUIET, RUDE)
    }
    db.session.flush()
    for people in accounts.values():
        for person in people:
            for n in range(3):
                Post.write(person, f"{person.username}'s #fruit apple {n}")
    for followed in (accounts[QUIET][0], accounts[RUDE][0]):
        u0.follow(followed)
    u1.follow(accounts[RUDE][1])
    u1.boost(db.session.scalars(accounts[RUDE][1].posts.select()).first())
    rules.impose(QUIET, rules.SILENCE, "test")
    u0.block_domain(RUDE)
    db.session.commit()


@pytest.mark.parametrize("per_page", [1, 3, 25])
@pytest.mark.parametrize("reader_name", ["u0", "u1"])
@pytest.mark.parametrize("newest_posts_first", [search.NEWEST_POSTS_FIRST, 5])
def test_plain_and_fast_leave_out_the_same_posts(
    site, monkeypatch, per_page, reader_name, newest_posts_first
):  # fmt: skip
    monkeypatch.setattr(search, "NEWEST_POSTS_FIRST", newest_posts_first)
    fast_app, _ = site
    with fast_app.app_context():
        federate()
        authors = (handle("bob", QUIET), handle("bob", RUDE), f"ann@{LOUD}")
        assert_fast_lists_as_plain(reader_name, authors, per_page)


def authors_of(page_of) -> set[str]:
    """The authors' names on every page: rows of the speed-ups, or Post objects."""
    rows = pages_of_rows(page_of)
    return {getattr(row, "username", None) or row.author.username for row in rows}


def test_what_each_reader_is_spared(site):
    fast_app, _ = site
    with fast_app.app_context():
        federate()
        u0, u1 = (db.session.scalar(User.by_username(name)) for name in ("u0", "u1"))
        fruit = Tag.by_name("fruit")
        seeded = {*(f"u{n}" for n in range(5)), *REMOTE}
        for pages in (FastPostPages(), PostPages()):
            # Explore, tags and search: never the silenced server; for u0, not the server
            # they block either.
            u1_explore = authors_of(lambda n, p=pages: p.explore_page(n, 100, u1))
            assert u1_explore - seeded == {handle(name, host) for name in ("ann", "bob")
                                            for host in (LOUD, RUDE)}  # fmt: skip
            u0_explore = authors_of(lambda n, p=pages: p.explore_page(n, 100, u0))
            assert u0_explore - seeded == {handle("ann", LOUD), handle("bob", LOUD)}
            tagged = authors_of(lambda n, p=pages: p.tag_page(fruit, n, 100, u0))
            assert tagged == {handle("ann", LOUD), handle("bob", LOUD)}
            found = authors_of(lambda n, p=pages: p.search_page("apple", n, 100, u1))
            quiet = {handle(name, QUIET) for name in ("ann", "bob")}
            assert not quiet & found and handle("bob", RUDE) in found
            # The timeline: the silenced account u0 follows is there, the blocked server's not
            # (nor its post boosted by u1).
            timeline = authors_of(lambda n, p=pages: p.timeline_page(u0, n, 100))
            assert timeline - seeded == {f"ann@{QUIET}"}
            assert authors_of(lambda n, p=pages: p.timeline_page(u1, n, 100)) - seeded == {
                handle("bob", RUDE)
            }
            # A silenced account's profile still lists its posts.
            quiet = db.session.scalar(User.by_username(f"ann@{QUIET}"))
            assert authors_of(lambda n, p=pages, q=quiet: p.profile_page(q, n, 100, u1)) == {
                quiet.username
            }
        # u0's block of the server ended their follow of its account.
        assert not u0.is_following(db.session.scalar(User.by_username(f"ann@{RUDE}")))
