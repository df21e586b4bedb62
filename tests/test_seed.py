"""`flask seed`: many users, posts and follows, on a migrated database."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import (
    Alert,
    Post,
    RemoteActor,
    Tag,
    User,
    followers,
    post_tag,
    profile_by_username,
)
from app.models.reactions import Boost, Like
from app.post_pages import PLAIN
from app.speedups import timeline as merged
from app.speedups.page_queries import fetch_page, rows_to_read
from app.speedups.pages import FastPostPages
from app.speedups.timeline import timeline as merged_timeline
from app.speedups.timeline_pages import timeline_page, timeline_page_query
from tests.conftest import TEST_CONFIG
from tests.databases import ROOT
from tests.paging import every_row
from tests.plans import explain

PASSWORD = "seeded password"


@pytest.fixture
def app(app_on_each_database):
    """The timeline query differs between SQLite and the servers, so both run these tests."""
    return app_on_each_database


def seed(runner, *extra, users=12, posts=150, follows=4):
    args = ["seed", f"--users={users}", f"--posts={posts}", f"--follows={follows}"]
    return runner.invoke(args=[*args, f"--password={PASSWORD}", "--seed=7", *extra])


def count(table) -> int:
    return db.session.scalar(select(func.count()).select_from(table))


def test_seed_fills_the_database(app, runner):
    started = datetime.now(UTC)
    result = seed(runner)
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = db.session.scalars(select(User.username).order_by(User.username)).all()
        assert names == [f"user{n:05d}" for n in range(1, 13)]
        assert db.session.scalar(User.by_username("user00012")).email == "user00012@example.com"
        assert count(Post) == 150
        follows = Counter(db.session.scalars(select(followers.c.follower_id)))
        assert len(follows) == 12
        assert set(follows.values()) == {4}
        assert not db.session.scalar(
            select(func.count())
            .select_from(followers)
            .where(followers.c.follower_id == followers.c.followed_id)
        )
        oldest, newest = db.session.execute(
            select(func.min(Post.timestamp), func.max(Post.timestamp))
        ).one()
        assert (
            started - timedelta(days=366)
            < oldest.replace(tzinfo=UTC)
            <= newest.replace(tzinfo=UTC)
            <= datetime.now(UTC)
        )
        # Posts are spread over the year, not bunched at one end.
        assert newest - oldest > timedelta(days=200)


def test_every_user_logs_in_with_the_password(app, runner):
    assert seed(runner).exit_code == 0
    with app.app_context():
        assert User.authenticate("user00001", PASSWORD) is not None
        assert User.authenticate("user00012@example.com", PASSWORD) is not None
        assert User.authenticate("user00005", "wrong password") is None
        # Hashed once: Argon2 per user would make a large seed take minutes.
        assert len(set(db.session.scalars(select(User.password_hash)))) == 1


def test_timeline_holds_the_followed_posts(app, runner):
    assert seed(runner).exit_code == 0
    with app.app_context():
        user = db.session.scalar(User.by_username("user00003"))
        authors = {user.id, *db.session.scalars(user.following.select().with_only_columns(User.id))}
        expected = count(select(Post).where(Post.user_id.in_(authors)).subquery())
        timeline = db.session.scalars(merged_timeline(user)).all()
        assert len(timeline) == expected
        assert timeline == db.session.scalars(user.following_posts()).all()
        assert {post.user_id for post in timeline} <= authors
        keys = [(post.timestamp, post.id) for post in timeline]
        assert keys == sorted(keys, reverse=True)


def test_profile_counts_follows(app, runner):
    assert seed(runner).exit_code == 0
    with app.app_context():
        reader = db.session.scalar(User.by_username("user00001"))
        followed_id = db.session.scalars(
            reader.following.select().with_only_columns(User.id)
        ).first()
        followed = db.session.get(User, followed_id)
        profile = profile_by_username(followed.username.upper(), reader)
        assert profile.user == followed
        assert profile.followers_count == followed.followers_count()
        assert profile.following_count == followed.following_count() == 4
        assert profile.followed_by_reader
        own = profile_by_username("user00001", reader)
        assert own.followers_count == reader.followers_count()
        assert not own.followed_by_reader
        assert profile_by_username("nobody", reader) is None


@pytest.mark.parametrize("merge_max_authors", [merged.TIMELINE_MERGE_MAX_AUTHORS, 2])
def test_timeline_pages_follow_the_newest_first_order(app, runner, monkeypatch, merge_max_authors):
    # Both plans: the per-author merge, and the plain IN query used past the merge limit.
    monkeypatch.setattr(merged, "TIMELINE_MERGE_MAX_AUTHORS", merge_max_authors)
    assert seed(runner, posts=400).exit_code == 0
    with app.app_context():
        user = db.session.scalar(User.by_username("user00004"))
        moment = db.session.scalar(select(Post.timestamp).where(Post.user_id == user.id).limit(1))
        # Equal timestamps must still come out in one order, newest id first.
        db.session.add_all(Post(body=f"tie {n}", author=user, timestamp=moment) for n in range(3))
        db.session.commit()
        everything = db.session.scalars(merged_timeline(user)).all()
        paged = []
        for number in range(0, len(everything) + 7, 7):
            paged += db.session.scalars(merged_timeline(user).limit(7).offset(number)).all()
        assert [post.id for post in paged] == [post.id for post in everything]
        keys = [(post.timestamp, post.id) for post in everything]
        assert keys == sorted(keys, reverse=True)
        # The home page's listing: the same posts, pages and order, with each author's name.
        # Pages of 2 end before the 5 authors' latest posts run out (PostgreSQL cuts each
        # author's range at a time then), pages of 7 after.
        for per_page in (2, 7):
            listed = every_row(lambda number, size=per_page: timeline_page(user, number, size))
            assert [row.id for row in listed] == [post.id for post in everything]
            authors = [post.author.username for post in everything]
            assert [row.username for row in listed] == authors


def timeline_plan(user) -> str:
    """The database's plan for the home page's timeline, as it runs it (SQL and parameters)."""
    query, params = timeline_page_query(user, rows_to_read(1, 7))
    return explain(lambda: fetch_page(query, 1, 7, params))


def test_the_timeline_is_served_by_the_author_index(app, runner):
    assert seed(runner, posts=400).exit_code == 0
    with app.app_context():
        plan = timeline_plan(db.session.scalar(User.by_username("user00004")))
        assert "ix_post_user_id_timestamp_id" in plan, plan
        if db.engine.dialect.name == "sqlite":
            # Each author's range from the index alone, merged lazily: no scan of post.
            assert "COVERING INDEX ix_post_user_id_timestamp_id" in plan
            assert "MERGE (UNION ALL)" in plan
            assert "SCAN post" not in plan


def test_refuses_a_database_that_has_users(app, runner):
    assert seed(runner).exit_code == 0
    result = seed(runner, users=5)
    assert result.exit_code != 0
    assert "already has 12 users" in result.output
    assert "--force" in result.output
    with app.app_context():
        assert count(User) == 12


def test_force_replaces_everything(app, runner):
    assert seed(runner).exit_code == 0
    result = seed(runner, "--force", users=5, posts=20, follows=2)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(User) == 5
        assert count(Post) == 20
        assert count(followers) == 10


def test_same_seed_same_data(runner):
    def authors_and_follows(app):
        # By name: --force deletes the users, and a server's id sequence does not restart.
        with app.app_context():
            names = dict(db.session.execute(select(User.id, User.username)).all())
            posts = db.session.execute(select(Post.user_id, Post.body).order_by(Post.id)).all()
            follows = db.session.execute(
                select(followers.c.follower_id, followers.c.followed_id)
            ).all()
            return (
                [(names[author], body) for author, body in posts],
                sorted((names[a], names[b]) for a, b in follows),
            )

    assert seed(runner).exit_code == 0
    first = authors_and_follows(runner.app)
    assert seed(runner, "--force").exit_code == 0
    assert authors_and_follows(runner.app) == first


def test_refuses_when_migrations_are_not_applied(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    uri = f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": uri})
    result = seed(app.test_cli_runner())
    assert result.exit_code != 0
    assert "flask db upgrade" in result.output


def test_follows_must_leave_someone_to_follow(runner):
    result = seed(runner, users=3, follows=3)
    assert result.exit_code != 0
    assert "--follows" in result.output


def test_replies_answer_older_posts_and_the_first_post_has_a_conversation(app, runner):
    assert seed(runner, "--replies=40").exit_code == 0
    with app.app_context():
        replies = db.session.scalars(select(Post).where(Post.in_reply_to_id.is_not(None))).all()
        assert len(replies) == 40 and all(reply.is_reply for reply in replies)
        assert all(reply.in_reply_to.timestamp <= reply.timestamp for reply in replies)
        # Each in its parent's conversation, as a reply written on the site would be.
        for reply in replies:
            parent = reply.in_reply_to
            assert reply.conversation_id == (parent.conversation_id or parent.id), reply.id
        first = db.session.get(Post, db.session.scalar(select(func.min(Post.id))))
        assert first.reply_tree()
    # Seeding again over replies (a post answering another in the same table) works.
    assert seed(runner, "--replies=40", "--force").exit_code == 0


def test_seed_likes_and_boosts_with_their_counts(app, runner):
    assert seed(runner, "--likes=300", "--boosts=80", posts=200).exit_code == 0
    with app.app_context():
        assert count(Like) == 300 and count(Boost) == 80
        assert db.session.scalar(select(func.sum(Post.like_count))) == 300
        assert db.session.scalar(select(func.sum(Post.boost_count))) == 80
        late = select(func.count()).select_from(Boost).join(Post, Post.id == Boost.post_id)
        assert db.session.scalar(late.where(Boost.timestamp < Post.timestamp)) == 0
        # The seeded boosts in the timeline: every page the plain one's.
        for name in ("user00001", "user00007"):
            user = db.session.scalar(User.by_username(name))
            plain = [(post.id, by) for post, by in db.session.execute(user.following_posts())]
            assert any(by for _, by in plain)
            listed = every_row(lambda number, user=user: timeline_page(user, number, 9))
            assert [(row.id, row.boosted_by) for row in listed] == plain


def test_seed_writes_markdown_posts_with_tags_and_mentions(app, runner):
    assert seed(runner, "--tagged=0.3").exit_code == 0
    with app.app_context():
        markdown = db.session.scalars(select(Post).where(Post.body_html.is_not(None))).all()
        assert 20 < len(markdown) < 80
        assert all('class="hashtag"' in p.body_html for p in markdown)
        # Each carries one tag, and mentions one user (not themselves: then no alert).
        assert count(post_tag) == len(markdown)
        assert count(Alert) == sum(
            p.body.endswith(f"@{p.author.username}") is False for p in markdown
        )
        for tag in db.session.scalars(select(Tag)):
            plain = every_row(lambda n, tag=tag: PLAIN.tag_page(tag, n, 7))
            fast = every_row(lambda n, tag=tag: FastPostPages().tag_page(tag, n, 7))
            assert [p.id for p in plain] == [row.id for row in fast]


def test_seed_remote_accounts_write_are_followed_and_boost(app, runner):
    result = seed(runner, "--remote=6", "--boosts=120", users=10, posts=300, follows=5)
    assert result.exit_code == 0, result.output
    with app.app_context():
        actors = db.session.scalars(select(RemoteActor)).all()
        assert len(actors) == 6 and count(User) == 16
        remote_ids = {actor.user_id for actor in actors}
        for actor in actors:
            user = actor.user
            assert user.is_remote and user.email is None and user.password_hash is None
            name, host = user.username.split("@")
            assert actor.uri == f"https://{host}/users/{name}" and host.endswith(".example")
            assert actor.key_id == f"{actor.uri}#main-key"
        # Their posts carry their Note's id, under their actor; ours carry none.
        by_remote = db.session.execute(
            select(Post.uri, RemoteActor.uri).join(RemoteActor, RemoteActor.user_id == Post.user_id)
        ).all()
        assert len(by_remote) > 50 and all(
            post.startswith(f"{a}/statuses/") for post, a in by_remote
        )
        assert count(select(Post).where(Post.uri.is_not(None)).subquery()) == len(by_remote)
        # Only local users follow; remote accounts are among those followed and the boosters.
        follows = db.session.execute(select(followers)).all()
        assert not {row.follower_id for row in follows} & remote_ids
        assert {row.followed_id for row in follows} & remote_ids
        assert set(db.session.scalars(select(Boost.user_id))) & remote_ids
        # Timelines with remote authors and boosters: every page the plain one's.
        seen_remote = False
        for name in ("user00001", "user00002", "user00003"):
            user = db.session.scalar(User.by_username(name))
            plain = [(post.id, by) for post, by in db.session.execute(user.following_posts())]
            listed = every_row(lambda number, user=user: timeline_page(user, number, 9))
            assert [(row.id, row.boosted_by) for row in listed] == plain
            authors = {db.session.get(Post, id).user_id for id, _ in plain}
            seen_remote |= bool(authors & remote_ids)
        assert seen_remote


def test_seed_with_remote_accounts_is_replaced_by_force(app, runner):
    assert seed(runner, "--remote=3").exit_code == 0
    assert seed(runner, "--force", users=5, posts=20, follows=2).exit_code == 0
    with app.app_context():
        assert count(RemoteActor) == 0 and count(User) == 5


def test_follows_may_reach_remote_accounts(runner):
    assert seed(runner, "--remote=2", users=3, follows=4).exit_code == 0
    result = seed(runner, "--remote=2", "--force", users=3, follows=5)
    assert result.exit_code != 0 and "--follows" in result.output
