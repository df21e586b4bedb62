"""A page of posts with images reads them in one query whatever its size, and none when no
post of the page has any, or (with the speed-ups) when its posts' markup is already kept."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Post, PostImage, User


def image(n: int) -> PostImage:
    return PostImage(
        key=f"{n:02x}/{n:032x}.jpg",
        thumbnail_key=f"{n:02x}/{n + 1:032x}.jpg",
        content_type="image/jpeg",
        width=800,
        height=600,
        thumbnail_width=400,
        thumbnail_height=300,
        alt=f"picture {n}",
    )


# Long ago, so "… years ago" stays the same between two visits and the pieces kept match.
LONG_AGO = datetime(2020, 6, 1, tzinfo=UTC)


def fill(app, with_images: bool = True):
    """susan follows 3 authors; everyone has written 26 posts, each with two images."""
    with app.app_context():
        users = [User(username=name, email=f"{name}@example.com") for name in ("susan", "a", "b")]
        users[0].set_password("correct horse")
        db.session.add_all(users)
        db.session.flush()
        for author in users:
            for n in range(26):
                images = [image(n * 2), image(n * 2 + 1)] if with_images else []
                when = LONG_AGO + timedelta(minutes=n)
                Post.write(author, f"post {n}", images=images, timestamp=when)
        for author in users[1:]:
            users[0].follow(author)
        db.session.commit()


def image_queries(make_app, count_queries, per_page, path, with_images=True, visit=1):
    """The statements of the visit-th request for path, and how many of them read images."""
    app = make_app(POSTS_PER_PAGE=per_page)
    fill(app, with_images)
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    for _ in range(visit - 1):
        client.get(path)
    with count_queries(app) as counter:
        response = client.get(path)
    assert response.status_code == 200
    expected = 2 * per_page if with_images else 0
    assert response.text.count('loading="lazy"') == expected
    statements = counter.statements
    return len(statements), sum("FROM post_image" in s for s in statements)


@pytest.mark.parametrize("path", ["/index", "/explore", "/user/a"])
def test_a_page_reads_its_images_in_one_query(make_app, count_queries, path):
    assert image_queries(make_app, count_queries, 5, path)[1] == 1
    assert image_queries(make_app, count_queries, 25, path)[1] == 1
    assert image_queries(make_app, count_queries, 25, path, with_images=False)[1] == 0


@pytest.mark.speedups
@pytest.mark.parametrize("path", ["/index", "/explore", "/user/a"])
def test_kept_posts_read_no_images(make_app, count_queries, path):
    assert image_queries(make_app, count_queries, 25, path, visit=2)[1] == 0


@pytest.mark.speedups
@pytest.mark.parametrize("path", ["/index", "/explore", "/user/a"])
def test_the_query_count_with_images_does_not_grow_with_page_size(make_app, count_queries, path):
    small, _ = image_queries(make_app, count_queries, 5, path)
    large, _ = image_queries(make_app, count_queries, 25, path)
    without, _ = image_queries(make_app, count_queries, 25, path, with_images=False)
    assert small == large == without + 1
    assert image_queries(make_app, count_queries, 25, path, visit=2)[0] == without
