"""Boosts in the home timeline: the speed-ups' timeline (app/speedups/timeline.py and
page_queries.py) against the plain definition, User.following_posts(), on every page, with
tied times, on each database; each post once, at its newest boost the reader sees."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Post, User
from app.models.reactions import Boost
from app.post_pages import PostPages
from app.speedups import timeline as merged
from app.speedups.timeline_pages import timeline_page
from tests.paging import every_row

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def seed_boosts(users: int = 6, posts: int = 50, boosts: int = 40, seed: int = 19) -> list[User]:
    """Users following each other at random, posts at few distinct minutes, and boosts at
    or after their post's time (often tied with each other)."""
    chance = random.Random(seed)
    people = [User(username=f"u{n}", email=f"u{n}@example.com") for n in range(users)]
    db.session.add_all(people)
    db.session.flush()
    for reader in people:
        for other in chance.sample(people, 3):
            reader.follow(other)
    written = []
    for n in range(posts):
        when = T0 + timedelta(minutes=chance.randrange(10))
        written.append(Post(body=f"post {n}", author=chance.choice(people), timestamp=when))
    db.session.add_all(written)
    db.session.flush()
    pairs = set()
    while len(pairs) < boosts:
        pairs.add((chance.choice(people), chance.choice(written)))
    for booster, post in pairs:
        when = post.timestamp + timedelta(minutes=chance.randrange(4))
        db.session.add(Boost(user_id=booster.id, post_id=post.id, timestamp=when))
    db.session.commit()
    return people


def plain_timeline(user: User) -> list[tuple]:
    rows = db.session.execute(user.following_posts()).all()
    return [(post.id, boosted_by) for post, boosted_by in rows]


@pytest.mark.parametrize("merge_max_authors", [merged.TIMELINE_MERGE_MAX_AUTHORS, 1])
def test_every_page_of_the_fast_timeline_is_the_plain_one(
    app_on_each_database, monkeypatch, merge_max_authors
):
    # With 1, every reader has too many authors to merge: the IN query takes over.
    monkeypatch.setattr(merged, "TIMELINE_MERGE_MAX_AUTHORS", merge_max_authors)
    with app_on_each_database.app_context():
        people = seed_boosts()
        seen_boosted = 0
        for user in people:
            expected = plain_timeline(user)
            assert len({post_id for post_id, _ in expected}) == len(expected)  # each post once
            seen_boosted += sum(1 for _, by in expected if by)
            for per_page in (1, 3, 7, 100):
                rows = every_row(lambda n, size=per_page, u=user: timeline_page(u, n, size))
                assert [(row.id, row.boosted_by) for row in rows] == expected, per_page
            orm = db.session.execute(merged.timeline(user)).all()
            assert [(post.id, by) for post, by in orm] == expected
            plain_pages = every_row(lambda n, u=user: PostPages().timeline_page(u, n, 4))
            assert [(post.id, post.boosted_by) for post in plain_pages] == expected
        assert seen_boosted > 10


@pytest.fixture
def site(app):
    with app.app_context():
        names = ("reader", "friend", "other", "author")
        users = {name: User(username=name, email=f"{name}@example.com") for name in names}
        db.session.add_all(users.values())
        db.session.flush()
        users["reader"].follow(users["friend"])
        users["reader"].follow(users["other"])
        users["reader"].follow(users["author"])
        db.session.commit()
        yield users


def write(author: User, body: str, minute: int) -> Post:
    post = Post(body=body, author=author, timestamp=T0 + timedelta(minutes=minute))
    db.session.add(post)
    db.session.flush()
    return post


def boost(user: User, post: Post, minute: int) -> None:
    db.session.add(
        Boost(user_id=user.id, post_id=post.id, timestamp=T0 + timedelta(minutes=minute))
    )
    db.session.flush()


def test_a_boost_places_the_post_once_at_its_newest_boost(site):
    reader, friend, other, author = (site[n] for n in ("reader", "friend", "other", "author"))
    stranger = User(username="stranger", email="stranger@example.com")
    db.session.add(stranger)
    first = write(author, "first", 0)
    second = write(author, "second", 1)
    far = write(stranger, "far", 2)
    assert plain_timeline(reader) == [(second.id, None), (first.id, None)]
    # A followed user's boost of a stranger's post brings it in, "boosted by" them.
    boost(friend, far, 3)
    assert plain_timeline(reader)[0] == (far.id, "friend")
    # Two boosters and the author followed: the post comes once, at the newest boost.
    boost(friend, first, 4)
    boost(other, first, 5)
    assert plain_timeline(reader) == [(first.id, "other"), (far.id, "friend"), (second.id, None)]
    # A boost by someone the reader does not follow changes nothing.
    boost(stranger, second, 6)
    assert plain_timeline(reader)[2] == (second.id, None)
    # Unboosting puts the post back at the remaining boost, then at its own time.
    other.unboost(first)
    assert plain_timeline(reader)[0] == (first.id, "friend")
    friend.unboost(first)
    friend.unboost(far)
    assert plain_timeline(reader) == [(second.id, None), (first.id, None)]
    assert db.session.scalar(User.by_username("stranger")).following_posts() is not None
