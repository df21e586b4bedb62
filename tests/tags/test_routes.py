"""The tag page (/tag/<name>): the posts carrying a tag, newest first, in pages, the same
with and without the speed-ups, in a constant number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Post, Tag, User, post_tag
from app.post_pages import PLAIN
from app.speedups.pages import FastPostPages
from tests.paging import every_row

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def write(client, body):
    return client.post("/index", data={"post": body}, follow_redirects=True)


def test_a_tag_links_to_its_page_which_lists_its_posts_newest_first(client, auth, make_user):
    make_user()
    auth.login()
    write(client, "first #Flask post")
    write(client, "no tag here")
    page = write(client, "second #flask post, and #学习").text
    assert 'href="/tag/flask"' in page and 'href="/tag/%E5%AD%A6%E4%B9%A0"' in page
    tagged = client.get("/tag/FLASK").text
    assert "<h1>#flask</h1>" in tagged
    assert tagged.index("second") < tagged.index("first")
    assert "no tag here" not in tagged
    chinese = client.get("/tag/学习").text
    assert "second" in chinese and "first" not in chinese


def test_an_unknown_tag_is_a_404_and_the_page_needs_a_login(client, auth, make_user):
    make_user()
    assert client.get("/tag/flask").status_code == 302
    auth.login()
    assert client.get("/tag/nothing").status_code == 404
    assert client.get("/tag/" + "x" * 500).status_code == 404
    assert client.get("/tag/flask?page=0").status_code == 404


def test_a_tag_in_code_or_an_address_makes_no_tag(client, auth, make_user, app):
    make_user()
    auth.login()
    write(client, "`#code` https://example.com/#anchor #real")
    with app.app_context():
        assert db.session.scalars(select(Tag.name)).all() == ["real"]


@pytest.fixture
def tagged(app_on_each_database):
    app = app_on_each_database
    """60 posts at colliding times, some with #a, some with #b, some both."""
    with app.app_context():
        users = [User(username=f"u{n}", email=f"u{n}@example.com") for n in range(3)]
        db.session.add_all(users)
        db.session.flush()
        for n in range(60):
            tags = " ".join(t for t, every in (("#a", 2), ("#b", 3)) if n % every == 0)
            post = Post.write(users[n % 3], f"post {n} {tags}")
            post.timestamp = T0 + timedelta(minutes=n % 7)
            db.session.flush()
            db.session.execute(
                post_tag.update()
                .where(post_tag.c.post_id == post.id)
                .values(post_timestamp=post.timestamp)
            )
        db.session.commit()
        yield app


@pytest.mark.parametrize("per_page", [1, 7, 25])
def test_the_fast_tag_pages_are_the_plain_ones(tagged, per_page):
    fast = FastPostPages()
    for name in ("a", "b"):
        tag = Tag.by_name(name)
        plain = every_row(lambda number, tag=tag: PLAIN.tag_page(tag, number, per_page))
        quick = every_row(lambda number, tag=tag: fast.tag_page(tag, number, per_page))
        assert [p.id for p in plain] == [row.id for row in quick]
        assert [p.body_html for p in plain] == [row.body_html for row in quick]
        assert len(plain) == (30 if name == "a" else 20)


def test_a_deleted_post_leaves_its_tags_page(tagged):
    tag = Tag.by_name("a")
    first = PLAIN.tag_page(tag, 1, 100).items
    db.session.delete(first[0])
    db.session.commit()
    assert [p.id for p in PLAIN.tag_page(tag, 1, 100).items] == [p.id for p in first[1:]]


def fill(app):
    with app.app_context():
        susan = User(username="susan", email="susan@example.com")
        susan.set_password("correct horse")
        db.session.add(susan)
        db.session.flush()
        for n in range(30):
            Post.write(susan, f"post {n} #tag")
        db.session.commit()


def queries_for(make_app, count_queries, per_page):
    app = make_app(POSTS_PER_PAGE=per_page)
    fill(app)
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    client.get("/tag/tag")
    with count_queries(app) as counter:
        response = client.get("/tag/tag")
    assert response.status_code == 200
    assert response.text.count('class="post-body') == per_page
    return counter.count


# The signed-in user (with the navbar's counts), the tag, its page.
@pytest.mark.speedups
def test_query_count_does_not_grow_with_page_size(make_app, count_queries):
    small = queries_for(make_app, count_queries, 5)
    large = queries_for(make_app, count_queries, 25)
    assert small == large
    assert large <= 4, large  # the user, the tag, its page, the reader's likes and boosts
