"""Everyone's posts and one author's, as the explore and profile pages list them
(app/speedups/page_queries.py): the plain newest-first order on every page, each page cut from an
index's keys so that a deep page skips index entries, not posts."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Post, User
from app.speedups.page_queries import author_page_query, explore_page_query, fetch_page
from tests.paging import every_row
from tests.plans import explain

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def authors(app_on_each_database):
    """Three users and 60 posts among them, many at the same minute, in an app context."""
    with app_on_each_database.app_context():
        users = [User(username=f"u{n}", email=f"u{n}@example.com") for n in range(3)]
        db.session.add_all(users)
        chance = random.Random(7)
        for n in range(60):
            when = T0 + timedelta(minutes=chance.randrange(20))
            db.session.add(Post(body=f"post {n}", author=chance.choice(users), timestamp=when))
        db.session.commit()
        yield users


def every_page(query, per_page: int, params: dict | None = None) -> list[tuple]:
    rows = every_row(lambda number: fetch_page(query, number, per_page, params))
    return [(row.id, row.body, row.username) for row in rows]


def newest_first(*conditions) -> list[tuple]:
    posts = db.session.scalars(Post.newest_first(*conditions)).all()
    return [(post.id, post.body, post.author.username) for post in posts]


@pytest.mark.parametrize("per_page", [1, 7, 25, 100])
def test_every_page_follows_the_newest_first_order(authors, per_page):
    assert every_page(explore_page_query(), per_page) == newest_first()
    for author in authors:
        mine = every_page(author_page_query(), per_page, {"author": author.id})
        assert mine == newest_first(Post.user_id == author.id)


# How each database's EXPLAIN says that a scan reads an index without the table's rows.
INDEX_ONLY = {
    "sqlite": "USING COVERING INDEX",
    "postgresql": "Index Only Scan",
    "mysql": "Using index",
}


def read_from_index_alone(plan: str, index: str) -> bool:
    marker = INDEX_ONLY[db.session.get_bind().dialect.name]
    return any(index in line and marker in line for line in plan.splitlines())


def test_a_deep_page_skips_index_entries_not_posts(authors):
    deep = {"page_limit": 6, "page_offset": 35, "reader": 0}
    connection = db.session.connection()
    plan = explain(lambda: connection.execute(explore_page_query(), deep), bitmap_scans=False)
    assert read_from_index_alone(plan, "ix_post_timestamp_id"), plan
    mine = {"author": authors[0].id, **deep}
    plan = explain(lambda: connection.execute(author_page_query(), mine), bitmap_scans=False)
    assert read_from_index_alone(plan, "ix_post_user_id_timestamp_id"), plan
