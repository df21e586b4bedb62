"""Each page sends the same small number of queries whatever its size: no N+1."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Post, User

AUTHORS = 30
# The signed-in user comes with the navbar's unread-message count in one query; the home
# page then reads whom they follow and its listing; a profile reads the user with their
# follow counts, then the listing. The listing carries the reader's likes and boosts of its
# posts (the action bars).
BUDGET = {"/index": 3, "/explore": 2, "/user/author03": 3, "/user/susan": 3}


def fill(app):
    """susan follows 30 authors; everyone has written 26 posts."""
    with app.app_context():
        susan = User(username="susan", email="susan@example.com")
        susan.set_password("correct horse")
        authors = [
            User(username=f"author{i:02d}", email=f"a{i}@example.com") for i in range(AUTHORS)
        ]
        db.session.add_all([susan, *authors])
        db.session.flush()
        for author in [susan, *authors]:
            db.session.add_all(Post(body=f"post {n}", author=author) for n in range(26))
        for author in authors:
            susan.follow(author)
        db.session.commit()


def queries_for(make_app, count_queries, per_page, path):
    app = make_app(POSTS_PER_PAGE=per_page)
    fill(app)
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    client.get(path)  # the first visit may record last_seen

    with count_queries(app) as counter:
        response = client.get(path)
    assert response.status_code == 200
    assert response.text.count('class="post-body') == per_page
    return counter.count


# The plain app loads each post's author on its own, as the book does.
@pytest.mark.speedups
@pytest.mark.parametrize("path", ["/index", "/explore", "/user/author03", "/user/susan"])
def test_query_count_does_not_grow_with_page_size(make_app, count_queries, path):
    small = queries_for(make_app, count_queries, 5, path)
    large = queries_for(make_app, count_queries, 25, path)
    assert small == large
    assert large <= BUDGET[path], large


def thread_queries(make_app, count_queries, per_page) -> int:
    """Queries for the page of susan's post with 30 replies, one per author."""
    app = make_app(POSTS_PER_PAGE=per_page)
    fill(app)
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        first = db.session.scalar(susan.posts.select().order_by(Post.id))
        for author in db.session.scalars(select(User).where(User.id != susan.id)):
            Post.write(author, "a reply", in_reply_to=first)
        db.session.commit()
        path = f"/post/{first.id}"
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    client.get(path)
    with count_queries(app) as counter:
        response = client.get(path)
    assert response.status_code == 200
    assert response.text.count('class="post-body') == 1 + per_page
    return counter.count


# The user, the post with its author, the reply tree's keys, then the page's rows with the
# reader's likes and boosts of them (the post's action bar).
@pytest.mark.speedups
def test_a_threads_query_count_does_not_grow_with_its_replies(make_app, count_queries):
    small = thread_queries(make_app, count_queries, 5)
    large = thread_queries(make_app, count_queries, 25)
    assert small == large
    assert large <= 4, large
