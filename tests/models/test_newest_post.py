"""Each follow's record of the followed user's newest post, and the timeline built on it.

PostgreSQL's timeline reads only the authors whose newest post can be on the page, so a
recorded time must never be older than the author's newest post (NULL, unknown, is always
safe). These run on every database: the record is kept everywhere, by the model.
"""

import random
import threading
import time
from datetime import UTC, datetime, timedelta

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.extensions import db
from app.models import Post, User, followers
from app.speedups.timeline import timeline_authors
from app.speedups.timeline_pages import timeline_page
from tests.paging import every_row
from tests.plans import explain_analyze, plan_nodes

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture
def people(app_on_each_database):
    """Users named a, b, c…, inside an app context."""
    with app_on_each_database.app_context():
        users = [User(username=name, email=f"{name}@example.com") for name in "abcdefgh"]
        db.session.add_all(users)
        db.session.commit()
        yield users


def post(author: User, when: datetime, body: str = "hello") -> Post:
    new = Post(body=body, author=author, timestamp=when)
    db.session.add(new)
    db.session.commit()
    return new


def reader_and_author() -> tuple[User, User]:
    reader, author = User(username="r", email="r@x.org"), User(username="w", email="w@x.org")
    db.session.add_all([reader, author])
    db.session.commit()
    return reader, author


def recorded(reader: User, followed: User) -> datetime | None:
    return recorded_by_id(reader.id, followed.id)


def recorded_by_id(reader_id: int, followed_id: int) -> datetime | None:
    return db.session.scalar(
        select(followers.c.followed_last_post_at).where(
            followers.c.follower_id == reader_id, followers.c.followed_id == followed_id
        )
    )


def test_a_new_follow_knows_no_newest_post_until_the_followed_user_posts(people):
    reader, author, other = people[:3]
    post(author, minutes(1))
    reader.follow(author)
    other.follow(author)
    db.session.commit()
    assert recorded(reader, author) is None
    post(author, minutes(5))
    assert recorded(reader, author) == recorded(other, author) == minutes(5)
    # Someone else's post changes nothing.
    post(reader, minutes(9))
    assert recorded(reader, author) == minutes(5)


def test_an_older_post_never_lowers_the_recorded_time(people):
    reader, author = people[:2]
    reader.follow(author)
    db.session.commit()
    post(author, minutes(5))
    post(author, minutes(2))
    assert recorded(reader, author) == minutes(5)


def test_an_unknown_time_becomes_the_newest_post_not_the_one_just_written(people):
    reader, author = people[:2]
    post(author, minutes(5))
    reader.follow(author)
    db.session.commit()
    post(author, minutes(2))
    assert recorded(reader, author) == minutes(5)


def test_deleting_a_post_makes_the_time_unknown_again(people):
    reader, author = people[:2]
    reader.follow(author)
    db.session.commit()
    newest = post(author, minutes(5))
    db.session.delete(newest)
    db.session.commit()
    assert recorded(reader, author) is None


def test_the_migration_records_the_newest_posts_already_written(app_on_each_database):
    with app_on_each_database.app_context():
        flask_migrate.downgrade(revision="0005")
        # Core inserts of 0005's columns: the models have columns added since.
        columns = ("id", "username", "email", "created_at", "last_seen")
        user = sa.table("user", *(sa.column(name) for name in columns))
        for name in "abc":
            values = {"created_at": minutes(0), "last_seen": minutes(0)}
            db.session.execute(
                sa.insert(user).values(username=name, email=f"{name}@example.com", **values)
            )
        ids = dict(db.session.execute(sa.select(user.c.username, user.c.id)).all())
        a, b, c = (ids[name] for name in "abc")
        post = sa.table("post", *(sa.column(name) for name in ("body", "timestamp", "user_id")))
        for when in (minutes(3), minutes(7), minutes(1)):
            naive = when.replace(tzinfo=None)  # a core insert: no UTCDateTime to convert it
            db.session.execute(sa.insert(post).values(body="x", timestamp=naive, user_id=b))
        db.session.execute(
            sa.insert(followers).values(follower_id=a, followed_id=b),
        )
        db.session.execute(
            sa.insert(followers).values(follower_id=a, followed_id=c),
        )
        db.session.commit()
        flask_migrate.upgrade()
        assert recorded_by_id(a, b) == minutes(7)
        assert recorded_by_id(a, c) is None


def listed_ids(reader: User, per_page: int) -> list[int]:
    """Every page of the home page's listing for `reader`, in order."""
    return [row.id for row in every_row(lambda number: timeline_page(reader, number, per_page))]


def test_the_timeline_authors_within_a_depth_are_the_recently_active_and_the_unknown(people):
    reader, *authors = people
    for author in authors:
        reader.follow(author)
    db.session.commit()
    for n, author in enumerate(authors[:5]):
        post(author, minutes(n))
    # authors[5] and [6] never posted: unknown, like a follow made since their last post.
    assert set(timeline_authors(reader, depth=2)) == {
        reader.id,
        authors[4].id,
        authors[3].id,
        authors[5].id,
        authors[6].id,
    }
    # Deeper than the known times reach: everyone.
    everyone = {reader.id, *(author.id for author in authors)}
    assert set(timeline_authors(reader, depth=6)) == everyone
    assert set(timeline_authors(reader)) == everyone


@pytest.mark.parametrize("seed", range(4))
def test_the_timeline_pages_match_the_newest_first_order_whatever_is_recorded(people, seed):
    """Known, unknown and (from ties) equal recorded times, authors with no posts, and
    pages that end before and after the authors' newest posts run out."""
    rng = random.Random(seed)
    reader, *others = people
    authors = [reader, *others[:6]]
    for author in authors[:-1]:  # the last one never posts
        for _ in range(rng.randint(1, 6)):
            # Few distinct times: ties between authors' newest posts and within pages.
            db.session.add(Post(body="p", author=author, timestamp=minutes(rng.randint(0, 12))))
    db.session.commit()
    for author in others[:6]:
        reader.follow(author)
    db.session.commit()
    # Some follows learn their author's newest post from a later post, some stay unknown.
    for author in rng.sample(others[:5], 3):
        post(author, minutes(rng.randint(0, 12)))
    post(others[6], minutes(30), "not followed")

    # The plain definition: the book's following_posts().
    expected = [post.id for post in db.session.scalars(reader.following_posts())]
    for per_page in (1, 2, 3, 5, 40):
        assert listed_ids(reader, per_page) == expected, per_page


@pytest.mark.postgres
def test_postgresql_reads_only_the_authors_who_can_be_on_the_page(postgresql_app):
    """With every time known, a page reads the ranges of the authors whose newest posts
    reach it, and the reader's own, not every followed user's."""
    with postgresql_app.app_context():
        reader, *authors = [User(username=f"u{n}", email=f"u{n}@example.com") for n in range(9)]
        db.session.add_all([reader, *authors])
        db.session.commit()
        for author in authors:
            reader.follow(author)
        db.session.commit()
        for n, author in enumerate(authors):
            post(author, minutes(n))
        plan = explain_analyze(lambda: timeline_page(reader, 1, 3))
        loops = [
            node["Actual Loops"]
            for node in plan_nodes(plan[0]["Plan"])
            if node.get("Index Name") == "ix_post_user_id_timestamp_id"
        ]
        # The 4 newest authors (a page of 3 and one more row, to know there is a next
        # page) and the reader: not all 8 followed users.
        assert loops == [5], plan
        rows = timeline_page(reader, 1, 3).items
        assert [row.username for row in rows] == ["u8", "u7", "u6"]


@pytest.mark.postgres
def test_postgresql_concurrent_posts_by_one_author_keep_the_later_time(postgresql_app):
    app = postgresql_app
    with app.app_context():
        reader, author = reader_and_author()
        reader.follow(author)
        db.session.commit()
        post(author, minutes(1))
        reader_id, author_id = reader.id, author.id

    later_flushed = threading.Event()
    errors = []

    def write_later_post():
        try:
            with app.app_context():
                db.session.add(Post(body="later", user_id=author_id, timestamp=minutes(9)))
                db.session.flush()
                later_flushed.set()
                # Hold the follow's row until the other post has had to wait for it.
                time.sleep(0.5)
                db.session.commit()
        except Exception as error:  # reported by the test's thread
            errors.append(error)
            later_flushed.set()

    thread = threading.Thread(target=write_later_post)
    thread.start()
    assert later_flushed.wait(10)
    with app.app_context():
        # It cannot see the later post, waits for its row lock, then re-checks the row
        # and leaves the later time in place.
        db.session.add(Post(body="earlier", user_id=author_id, timestamp=minutes(5)))
        db.session.commit()
    thread.join(10)
    assert not errors
    with app.app_context():
        assert recorded_by_id(reader_id, author_id) == minutes(9)


@pytest.mark.postgres
def test_postgresql_a_follow_made_while_its_author_posts_stays_unknown(postgresql_app):
    """The post's flush cannot see a follow made at the same time, and the follow cannot
    see the post: the follow's time stays unknown, and the post is on the timeline."""
    app = postgresql_app
    with app.app_context():
        reader, author = reader_and_author()
        post(author, minutes(1))
        reader_id, author_id = reader.id, author.id
    with app.app_context():
        db.session.add(Post(body="new", user_id=author_id, timestamp=minutes(9)))
        db.session.flush()
        with app.app_context():  # another request, on another connection
            follower = db.session.get(User, reader_id)
            follower.follow(db.session.get(User, author_id))
            db.session.commit()
        db.session.commit()
    with app.app_context():
        assert recorded_by_id(reader_id, author_id) is None
        page = timeline_page(db.session.get(User, reader_id), 1, 1)
        assert [row.body for row in page.items] == ["new"]
