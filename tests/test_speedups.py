"""The speed-ups (app/speedups/) against the plain app they replace, on each database: every
page of every list of posts holds the same posts, and the pages are the same HTML with
SPEEDUPS on and off, apart from CSRF tokens and times."""

import random
import re
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Message, Post, PostImage, Tag, User
from app.models.moderation import HIDDEN
from app.post_pages import PostPages
from app.speedups import search, threads
from app.speedups.pages import FastPostPages
from tests.conftest import PASSWORD, TEST_CONFIG, AuthActions
from tests.databases import ROOT, migrated_app

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
WORDS = ["apple", "pear", "plum", "苹果"]


def seed_site() -> None:
    """Five users, u0 following u1-u3, and 40 posts among them at ten distinct minutes, then
    6 in Markdown."""
    users = [User(username=f"u{n}", email=f"u{n}@example.com") for n in range(5)]
    users[0].set_password(PASSWORD)
    db.session.add_all(users)
    db.session.flush()
    for followed in users[1:4]:
        users[0].follow(followed)
    chance = random.Random(16)
    for n in range(40):
        author = chance.choice(users)
        body = f"{chance.choice(WORDS)} <b>{n}</b> https://example.com/{n}"
        when = T0 + timedelta(minutes=chance.randrange(10))
        language = chance.choice([None, "en", "es"])
        post = Post(body=body, author=author, timestamp=when, language=language)
        if n % 3 == 0:  # images, shown from one query for the page (app/main/rendering.py)
            post.images = [
                PostImage(key=f"{n:02}/{n:032}.jpg", thumbnail_key=f"{n:02}/{n + 1:032}.jpg",
                          content_type="image/jpeg", width=800, height=600, thumbnail_width=400,
                          thumbnail_height=300, position=0, alt=f"picture <{n}>")
            ]  # fmt: skip
            post.image_count = 1
        db.session.add(post)
    # Boosts bring a stranger's (u4's) posts into u0's timeline; likes show in the action bar.
    db.session.flush()
    posts = db.session.scalars(select(Post).order_by(Post.id)).all()
    for post in posts[::5]:
        users[chance.randrange(5)].boost(post)
        users[0].like(post)
    db.session.add(Message(author=users[1], recipient=users[0], body="hello <i>u0</i>"))
    db.session.flush()
    seed_replies(users)
    # Markdown posts (rendered when written) with a tag, and mentions of u0.
    for n in range(6):
        Post.write(users[n % 5], f"**{WORDS[n % 4]}** #Tag @u0 {n}\n\n- item")
    seed_remote(users)
    db.session.commit()


def seed_remote(users: list[User]) -> None:
    """Posts 53-58 by accounts of other servers: r0@a.example, whom u0 follows, and
    r1@b.example, whom nobody does; r0 boosts one of r1's posts and one of u4's, u1 one of
    r1's, r1 one of r0's (which u0 sees at its own time)."""
    remote = [
        User.remember_remote(f"https://{host}/users/{name}", name, host, f"https://{host}/inbox",
                             None, "-----BEGIN PUBLIC KEY-----", f"https://{host}/users/{name}#k")
        for name, host in (("r0", "a.example"), ("r1", "b.example"))
    ]  # fmt: skip
    users[0].follow(remote[0])
    posts = []
    for n in range(6):
        author = remote[n % 2]
        uri = f"{author.remote_actor.uri}/statuses/{n}"
        when = T0 + timedelta(minutes=30 + n)
        posts.append(Post(body=f"plum from afar {n}", author=author, uri=uri, timestamp=when))
    db.session.add_all(posts)
    db.session.flush()
    strangers = db.session.scalar(users[4].posts.select().order_by(Post.id).limit(1))
    boosts = [(remote[0], posts[1]), (remote[0], strangers), (users[1], posts[3]),
              (remote[1], posts[0])]  # fmt: skip
    for booster, post in boosts:
        booster.boost(post)


def seed_replies(users: list[User]) -> None:
    """Posts 41-45 under post 1 (41, 42 answering 41, 44 answering 42, 43, 45), 46 answering
    post 2, which is then deleted, and post 3 edited."""
    posts = db.session.scalars(select(Post).order_by(Post.id)).all()
    parents = [posts[0], 0, posts[0], 1, posts[0], posts[1]]
    replies: list[Post] = []
    for n, parent in enumerate(parents):
        answered = replies[parent] if isinstance(parent, int) else parent
        when = T0 + timedelta(minutes=20 + n)
        reply = Post(body=f"apple reply {n}", author=users[n % 5], timestamp=when, language="es")
        reply.in_reply_to, reply.is_reply = answered, True
        replies.append(reply)
        db.session.add(reply)
        db.session.flush()
    posts[1].delete()
    posts[2].edit("apple edited <i>post</i>")


@pytest.fixture
def site(database_url, monkeypatch):
    """The app with the speed-ups and without, on one migrated database of each kind."""
    monkeypatch.chdir(ROOT)  # Flask-Migrate finds migrations/ from there
    settings = {
        **TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "POSTS_PER_PAGE": 4,
        # Translate links on posts in another language than the reader's (no request is sent).
        "TRANSLATOR": "deepl",
        "DEEPL_API_KEY": "unused",
    }
    with migrated_app(database_url) as migrated:
        with migrated.app_context():
            seed_site()
        apps = (
            create_app({**settings, "SPEEDUPS": True}),
            create_app({**settings, "SPEEDUPS": False}),
        )
        yield apps
        for app in apps:
            with app.app_context():
                db.engine.dispose()


def pages_of(page_of) -> list[list]:
    """Pages 1, 2, … of a list of posts up to the page with no next, as (id, body, author)."""
    pages, number, has_next = [], 0, True
    while has_next:
        number += 1
        page = page_of(number)
        rows = [
            (p.id, p.body, getattr(p, "username", None) or p.author.username) for p in page.items
        ]
        pages.append(rows)
        has_next = page.has_next
    return pages


@pytest.mark.parametrize("per_page", [1, 3, 25])
@pytest.mark.parametrize("newest_posts_first", [search.NEWEST_POSTS_FIRST, 5])
def test_every_page_of_every_list_is_the_plain_one(site, monkeypatch, per_page, newest_posts_first):
    # With 5, a PostgreSQL search looks among too few newest posts and falls back to all.
    monkeypatch.setattr(search, "NEWEST_POSTS_FIRST", newest_posts_first)
    fast_app, _ = site
    with fast_app.app_context():
        reader, author = (db.session.scalar(User.by_username(name)) for name in ("u0", "u2"))
        lists = {
            "timeline": lambda pages, n: pages.timeline_page(reader, n, per_page),
            "explore": lambda pages, n: pages.explore_page(n, per_page),
            "profile": lambda pages, n: pages.profile_page(author, n, per_page),
            "own profile": lambda pages, n: pages.profile_page(reader, n, per_page),
            "search": lambda pages, n: pages.search_page("apple", n, per_page),
            "search two words": lambda pages, n: pages.search_page("<b>1 apple", n, per_page),
            "search nothing": lambda pages, n: pages.search_page("zebra", n, per_page),
            "tag": lambda pages, n: pages.tag_page(Tag.by_name("tag"), n, per_page),
        }
        for name, page_of in lists.items():
            plain = pages_of(lambda n, page_of=page_of: page_of(PostPages(), n))
            fast = pages_of(lambda n, page_of=page_of: page_of(FastPostPages(), n))
            assert fast == plain, name
        # The visitors' front page: one page, the newest.
        plain, fast = (pages.front_page(per_page) for pages in (PostPages(), FastPostPages()))
        assert [p.id for p in fast.items] == [p.id for p in plain.items]
        assert len(plain.items) == per_page and fast.has_next == plain.has_next
        assert len(pages_of(lambda n: PostPages().timeline_page(reader, n, 100))[0]) > 10
        # Remote authors and boosters were among them (seed_remote).
        entries = {(p.body, p.boosted_by) for p in PostPages().timeline_page(reader, 1, 100).items}
        assert {("plum from afar 0", None), ("plum from afar 1", "r0@a.example")} <= entries
        assert ("plum from afar 3", "u1") in entries and ("plum from afar 5", None) not in entries
        assert sum(by == "r0@a.example" for _, by in entries) == 2
        # The API's timeline: the same Post objects in the same order.
        everything = db.session.scalars(PostPages().timeline(reader)).all()
        assert db.session.scalars(FastPostPages().timeline(reader)).all() == everything


# CSRF tokens differ per session; times differ per second (the relative time, the
# messages page's "read until" field).
MASKS = [
    (re.compile(r'(csrf[-_]token"[^>]*?(?:value|content)=")[^"]*'), r"\1…"),
    (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d)?"), "…"),
    (re.compile(r"(<time [^>]*>)[^<]*(</time>)"), r"\1…\2"),
]


def masked(html: str) -> str:
    for pattern, replacement in MASKS:
        html = pattern.sub(replacement, html)
    return html


VISITOR_PAGES = ["/", "/auth/login", "/auth/register", "/auth/reset_password_request"]
VISITOR_PAGES += ["/explore/feed.atom", "/explore/feed.json", "/user/u2/feed.atom"]
READER_PAGES = [
    "/index",
    "/index?page=2",
    "/explore",
    "/explore?page=3",
    "/user/u2",
    "/user/u2?page=2",
    "/user/u0",
    "/user/u2/popup",
    "/search?q=apple",
    "/search?q=apple&page=2",
    "/search?q=zebra",
    "/search?q=",
    "/messages",
    "/send_message/u1",
    "/edit_profile",
    "/index?page=99",
    "/post/1",
    "/post/1?page=2",
    "/post/44",
    "/post/46",
    "/post/3",
    "/tag/tag",
    "/tag/tag?page=2",
    "/alerts",
    "/user/r0@a.example",
    "/post/53",
]


def test_the_pages_are_the_same_with_and_without_speedups(site):
    clients = [app.test_client() for app in site]
    for language in ("en", "zh-CN", "en"):  # the second English round reads the caches
        headers = {"Accept-Language": language}
        for path in VISITOR_PAGES:
            fast, plain = (client.get(path, headers=headers) for client in clients)
            assert fast.status_code == plain.status_code == 200, path
            assert masked(fast.text) == masked(plain.text), path
    for client in clients:
        assert AuthActions(client).login("u0").status_code == 302
    for language in ("en", "zh-CN", "en"):
        headers = {"Accept-Language": language}
        for path in READER_PAGES:
            fast, plain = (client.get(path, headers=headers) for client in clients)
            assert fast.status_code == plain.status_code, path
            assert masked(fast.text) == masked(plain.text), (path, language)
    # The lists were not empty: the comparison saw posts, their links and Translate buttons.
    page = clients[0].get("/explore").text
    assert page.count("<article") == 4 and "translate-post" in page
    assert any('alt="picture &lt;' in clients[0].get(path).text for path in READER_PAGES)


def test_threads_are_the_plain_ones(site):
    """The thread page's keys (ancestors, replies in reading order) and rows, both ways."""
    fast_app, _ = site
    with fast_app.app_context():
        for post in db.session.scalars(select(Post).order_by(Post.id)):
            for pages in (PostPages(), FastPostPages()):
                assert pages.ancestor_ids(post) == post.ancestor_ids(), post.id
                assert pages.reply_tree(post) == post.reply_tree(), post.id
        assert [id_ for id_, _ in PostPages().reply_tree(db.session.get(Post, 1))] == [
            41,
            42,
            44,
            43,
            45,
        ]
        assert PostPages().ancestor_ids(db.session.get(Post, 44)) == [1, 41, 42]
        plain = PostPages().thread_page(db.session.get(Post, 42), 1, 2)
        fast = FastPostPages().thread_page(db.session.get(Post, 42), 1, 2)
        assert [p.id for p in fast.ancestors] == [p.id for p in plain.ancestors] == [1, 41]
        assert [r.id for r in fast.replies.items] == [r.id for r in plain.replies.items] == [44]
        assert fast.depths == plain.depths == [1]
        assert fast.post.in_reply_to_username == plain.post.in_reply_to_username


def test_threads_leave_out_the_same_hidden_replies(site):
    """A moderator hides reply 42 (u1's): its reply 44 stays, for every reader, both ways."""
    fast_app, _ = site
    with fast_app.app_context():
        db.session.get(Post, 42).hidden = HIDDEN
        admin = db.session.scalar(User.by_username("u4"))
        admin.is_admin = True
        db.session.commit()
        root = db.session.get(Post, 1)
        readers = [db.session.scalar(User.by_username(name)) for name in ("u0", "u1", "u4")]
        for reader in (None, *readers):
            for pages in (PostPages(), FastPostPages()):
                assert pages.reply_tree(root, reader) == root.reply_tree(reader)
        seen = {name: [id_ for id_, _ in root.reply_tree(reader)]
                for name, reader in zip(("u0", "u1", "u4"), readers, strict=True)}  # fmt: skip
        assert seen == {"u0": [41, 44, 43, 45], "u1": [41, 42, 44, 43, 45], "u4": seen["u1"]}
        for pages in (PostPages(), FastPostPages()):
            thread = pages.thread_page(root, 1, 3, readers[0])
            assert [r.id for r in thread.replies.items] == [41, 44, 43]
            assert thread.depths == [1, 3, 1] and thread.replies.has_next


def test_a_kept_conversation_follows_every_change_to_it(site):
    """The conversation kept per process (app/speedups/threads.py) after each change to it: a
    reply added deep in it, one deleted, its first post deleted (its replies answering a
    deleted post, each the top of its own tree), a reply hidden; fast and plain agree on every
    post's tree, each step read twice so the second read is the kept one's."""
    fast_app, _ = site

    def same_trees() -> None:
        for _ in range(2):
            for post in db.session.scalars(select(Post).order_by(Post.id)):
                assert FastPostPages().reply_tree(post) == post.reply_tree(), post.id
        db.session.rollback()

    def tree_of(id_: int) -> list[int]:
        return [each for each, _ in FastPostPages().reply_tree(db.session.get(Post, id_))]

    with fast_app.app_context():
        u0 = db.session.scalar(User.by_username("u0"))
        same_trees()
        assert tree_of(1) == [41, 42, 44, 43, 45]
        deep = Post.write(u0, "a reply to 44", in_reply_to=db.session.get(Post, 44))
        db.session.commit()
        same_trees()
        assert tree_of(1) == [41, 42, 44, deep.id, 43, 45]
        db.session.get(Post, 43).delete()
        db.session.commit()
        same_trees()
        assert tree_of(1) == [41, 42, 44, deep.id, 45]
        db.session.get(Post, 1).delete()
        db.session.commit()
        same_trees()
        assert (tree_of(41), tree_of(45)) == ([42, 44, deep.id], [])
        db.session.get(Post, 42).hidden = HIDDEN
        db.session.commit()
        same_trees()
        assert tree_of(41) == [44, deep.id]
        # A reply to a post whose first post is gone joins the same conversation.
        late = Post.write(u0, "a reply to 41", in_reply_to=db.session.get(Post, 41))
        db.session.commit()
        assert late.conversation_id == deep.conversation_id == 1
        same_trees()
        assert tree_of(41) == [44, deep.id, late.id]


def test_kept_conversations_stay_within_their_reply_budget(site, monkeypatch):
    """Past KEPT_REPLIES, the least recently read conversation is forgotten (the last read is
    kept whatever its size), and the trees stay the plain ones."""
    fast_app, _ = site
    monkeypatch.setattr(threads, "KEPT_REPLIES", 3)
    monkeypatch.setattr(threads, "_kept", OrderedDict())
    monkeypatch.setattr(threads, "_kept_replies", 0)
    with fast_app.app_context():
        u0 = db.session.scalar(User.by_username("u0"))
        first, other = db.session.get(Post, 1), db.session.get(Post, 5)
        replies = [Post.write(u0, f"to 5, {n}", in_reply_to=other) for n in range(2)]
        db.session.commit()
        assert FastPostPages().reply_tree(first) == first.reply_tree()
        assert list(threads._kept) == [1] and threads._kept_replies == 5
        assert FastPostPages().reply_tree(other) == other.reply_tree()
        assert [id_ for id_, _ in other.reply_tree()] == [reply.id for reply in replies]
        assert list(threads._kept) == [5] and threads._kept_replies == 2
        assert FastPostPages().reply_tree(first) == first.reply_tree()
        assert list(threads._kept) == [1] and threads._kept_replies == 5
