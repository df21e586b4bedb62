"""The rules of following and timelines, on the models directly."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Post, User
from app.pagination import paginate
from app.speedups.timeline import timeline

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def people(app):
    """susan, john, mary and david, inside an app context."""
    with app.app_context():
        users = {
            name: User(username=name, email=f"{name}@example.com")
            for name in ("susan", "john", "mary", "david")
        }
        db.session.add_all(users.values())
        db.session.commit()
        yield users


def add_post(author, body, minutes):
    post = Post(body=body, author=author, timestamp=T0 + timedelta(minutes=minutes))
    db.session.add(post)
    return post


def test_follow_and_unfollow(people):
    susan, john = people["susan"], people["john"]
    assert not susan.is_following(john)
    assert susan.follow(john)
    db.session.commit()
    assert susan.is_following(john)
    assert not john.is_following(susan)
    assert (susan.following_count(), susan.followers_count()) == (1, 0)
    assert (john.following_count(), john.followers_count()) == (0, 1)
    assert susan.unfollow(john)
    db.session.commit()
    assert not susan.is_following(john)
    assert john.followers_count() == 0


def test_follow_refuses_self_and_repeats(people):
    susan, john = people["susan"], people["john"]
    assert not susan.follow(susan)
    assert susan.follow(john)
    assert not susan.follow(john)
    db.session.commit()
    assert susan.following_count() == 1
    assert not susan.unfollow(people["mary"])


def test_timeline_has_own_and_followed_posts_newest_first(people):
    susan, john, mary, david = (people[n] for n in ("susan", "john", "mary", "david"))
    p_john = add_post(john, "from john", 1)
    p_susan = add_post(susan, "from susan", 2)
    p_mary = add_post(mary, "from mary", 3)
    add_post(david, "from david", 4)
    susan.follow(john)
    susan.follow(mary)
    db.session.commit()
    assert db.session.scalars(timeline(susan)).all() == [p_mary, p_susan, p_john]


def test_unfollowed_posts_leave_the_timeline(people):
    susan, john = people["susan"], people["john"]
    add_post(john, "from john", 1)
    susan.follow(john)
    db.session.commit()
    assert len(db.session.scalars(timeline(susan)).all()) == 1
    susan.unfollow(john)
    db.session.commit()
    assert db.session.scalars(timeline(susan)).all() == []


def test_equal_timestamps_order_by_id(people):
    john = people["john"]
    first = add_post(john, "first", 1)
    second = add_post(john, "second", 1)
    db.session.commit()
    assert db.session.scalars(john.posts_newest_first()).all() == [second, first]


@pytest.mark.parametrize(
    ("number", "expected_bodies", "has_next"),
    [
        (1, ["p6", "p5", "p4"], True),
        (2, ["p3", "p2", "p1"], True),
        (3, ["p0"], False),
        (4, [], False),
    ],
)
def test_pagination_edges(people, number, expected_bodies, has_next):
    john = people["john"]
    for i in range(7):
        add_post(john, f"p{i}", i)
    db.session.commit()
    page = paginate(john.posts_newest_first(), number, per_page=3)
    assert [p.body for p in page.items] == expected_bodies
    assert page.has_next is has_next
    assert page.has_prev is (number > 1)


def test_timestamps_are_timezone_aware_utc(people):
    post = add_post(people["john"], "tz", 0)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Post, post.id).timestamp == T0
    assert db.session.get(Post, post.id).timestamp.tzinfo is UTC


def test_deleting_a_user_deletes_their_posts_and_follows(people):
    susan, john = people["susan"], people["john"]
    add_post(john, "bye", 0)
    susan.follow(john)
    db.session.commit()
    db.session.delete(john)
    db.session.commit()
    assert db.session.scalars(Post.newest_first()).all() == []
    assert susan.following_count() == 0
