"""Every list of posts as each kind of reader sees it, plain (app/post_pages.py) and fast
(app/speedups/), with hidden posts, a suspended author, blocks and mutes: the same posts on
every page, on each database."""

import pytest

from app.extensions import db
from app.models import Post, Tag, User
from app.post_pages import PostPages
from app.speedups import search
from app.speedups.pages import FastPostPages
from tests.test_speedups import pages_of

# The accounts of other servers the speed-ups' site has (tests/test_speedups.py seed_remote).
REMOTE = {"r0@a.example", "r1@b.example"}


def moderate() -> None:
    """Everyone writes three #fruit posts; u4 is an admin; a few posts of u1 and u0 are hidden;
    u3 is suspended; u0 mutes u2 and blocks u4."""
    u0, u1, u2, u3, u4 = (db.session.scalar(User.by_username(f"u{n}")) for n in range(5))
    for author in (u0, u1, u2, u3, u4):
        for n in range(3):
            Post.write(author, f"{author.username}'s #fruit {n}")
    u4.is_admin = True
    for author in (u1, u0):
        for post in db.session.scalars(Post.newest_first(Post.user_id == author.id).limit(2)):
            u4.hide_post(post, "test")
    u4.suspend(u3, "test")
    u0.mute(u2)
    u0.block(u4)
    db.session.commit()


def lists_of(reader, author, per_page):
    return {
        "timeline": lambda pages, n: pages.timeline_page(reader, n, per_page),
        "explore": lambda pages, n: pages.explore_page(n, per_page, reader),
        "profile": lambda pages, n: pages.profile_page(author, n, per_page, reader),
        "own profile": lambda pages, n: pages.profile_page(reader, n, per_page, reader),
        "search": lambda pages, n: pages.search_page("apple", n, per_page, reader),
        "tag": lambda pages, n: pages.tag_page(Tag.by_name("fruit"), n, per_page, reader),
    }


@pytest.mark.parametrize("per_page", [1, 3, 25])
@pytest.mark.parametrize("reader_name", ["u0", "u1", "u4"])
@pytest.mark.parametrize("newest_posts_first", [search.NEWEST_POSTS_FIRST, 5])
def test_plain_and_fast_leave_out_the_same_posts(
    site, monkeypatch, per_page, reader_name, newest_posts_first
):  # fmt: skip
    monkeypatch.setattr(search, "NEWEST_POSTS_FIRST", newest_posts_first)
    fast_app, _ = site
    with fast_app.app_context():
        moderate()
        assert_fast_lists_as_plain(reader_name, ("u1", "u2", "u3"), per_page)


def assert_fast_lists_as_plain(reader_name: str, author_names, per_page: int) -> None:
    """Every page of every list the reader sees (with each author's profile) is the same
    from the speed-ups as from the plain definitions."""
    reader = db.session.scalar(User.by_username(reader_name))
    for author_name in author_names:
        author = db.session.scalar(User.by_username(author_name))
        for name, page_of in lists_of(reader, author, per_page).items():
            plain = pages_of(lambda n, page_of=page_of: page_of(PostPages(), n))
            fast = pages_of(lambda n, page_of=page_of: page_of(FastPostPages(), n))
            assert fast == plain, (name, author_name)
    everything = db.session.scalars(PostPages().timeline(reader)).all()
    assert db.session.scalars(FastPostPages().timeline(reader)).all() == everything
    front = [pages.front_page(per_page) for pages in (PostPages(), FastPostPages())]
    assert [p.id for p in front[0].items] == [p.id for p in front[1].items]


def test_what_each_reader_is_spared(site):
    fast_app, _ = site
    with fast_app.app_context():
        moderate()
        u0, u4 = (db.session.scalar(User.by_username(name)) for name in ("u0", "u4"))
        hidden = set(db.session.scalars(Post.newest_first(Post.hidden != 0)))
        assert hidden
        authors = {
            reader.username: {
                (row.username, row.hidden)
                for row in pages_of_rows(
                    lambda n, r=reader: FastPostPages().explore_page(n, 100, r)
                )
            }
            for reader in (u0, u4)
        }
        # u0: no u2 (muted), no u4 (blocked), no u3 (suspended), none of u1's hidden posts,
        # but their own hidden ones; and the seeded accounts of other servers.
        assert {name for name, _ in authors["u0"]} == {"u0", "u1", *REMOTE}
        assert ("u0", 1) in authors["u0"] and ("u1", 1) not in authors["u0"]
        # Nor on a tag's page.
        tagged = pages_of_rows(lambda n: FastPostPages().tag_page(Tag.by_name("fruit"), n, 100, u0))
        assert {row.username for row in tagged} == {"u0", "u1"}
        # The admin sees everything, hidden posts marked.
        assert {name for name, _ in authors["u4"]} == {"u0", "u1", "u2", "u3", "u4", *REMOTE}
        assert ("u3", 2) in authors["u4"] and ("u1", 1) in authors["u4"]


def pages_of_rows(page_of):
    rows, number, has_next = [], 0, True
    while has_next:
        number += 1
        page = page_of(number)
        rows += page.items
        has_next = page.has_next
    return rows
