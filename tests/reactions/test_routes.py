"""The action bar's buttons and the "who liked" page: POST behind CSRF, idempotent, 404 for a
missing post, per reader, and a constant number of queries."""

import re

import pytest

from app.extensions import db
from app.models import Post, User
from app.models.reactions import Like


@pytest.fixture
def post_id(app, make_user):
    make_user("susan")
    john = make_user("john")
    with app.app_context():
        post = Post(body="hello from john", user_id=john.id)
        db.session.add(post)
        db.session.commit()
        return post.id


def counts(app, post_id) -> tuple[int, int]:
    with app.app_context():
        post = db.session.get(Post, post_id)
        return post.like_count, post.boost_count


def test_like_unlike_boost_unboost(app, client, auth, post_id):
    auth.login()
    for _ in range(2):  # twice: the same as once, never a 500
        response = client.post(f"/post/{post_id}/like", data={"next": "/explore"})
        assert response.status_code == 302 and response.headers["Location"] == "/explore"
        client.post(f"/post/{post_id}/boost")
    assert counts(app, post_id) == (1, 1)
    page = client.get("/explore").text
    assert f'action="/post/{post_id}/unlike"' in page and "1 like<" in page
    assert f'action="/post/{post_id}/unboost"' in page and "1 boost<" in page
    likes = client.get(f"/post/{post_id}/likes").text
    assert ">susan</a>" in likes
    for _ in range(2):
        client.post(f"/post/{post_id}/unlike")
        response = client.post(f"/post/{post_id}/unboost", data={"next": "https://evil.example/"})
        assert response.headers["Location"] == "/index"  # never off the site
    assert counts(app, post_id) == (0, 0)
    page = client.get("/explore").text
    assert f'action="/post/{post_id}/like"' in page and "0 likes<" in page


def test_each_reader_sees_their_own_state(app, client, auth, post_id, make_user):
    make_user("mary")
    auth.login()
    client.post(f"/post/{post_id}/like")
    auth.logout()
    auth.login("mary")
    page = client.get("/explore").text
    assert f'action="/post/{post_id}/like"' in page and "1 like<" in page


def test_missing_posts_are_404(client, auth, post_id):
    auth.login()
    for verb in ("like", "unlike", "boost", "unboost"):
        assert client.post(f"/post/999/{verb}").status_code == 404
    assert client.get("/post/999/likes").status_code == 404


def test_only_a_signed_in_post(app, client, post_id):
    response = client.post(f"/post/{post_id}/like")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get(f"/post/{post_id}/like").status_code == 405
    assert counts(app, post_id) == (0, 0)


def test_csrf_is_checked(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        user = User(username="susan", email="susan@example.com")
        user.set_password("correct horse battery")
        db.session.add_all([user, Post(body="hi", author=user)])
        db.session.commit()
    login = client.get("/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post(
        "/auth/login",
        data={"username": "susan", "password": "correct horse battery", "csrf_token": token},
    )
    assert client.post("/post/1/like").status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Like)) == 0


def test_visitors_see_counts_and_a_sign_in_link(make_app):
    app = make_app(PUBLIC_TIMELINE=True)
    with app.app_context():
        user = User(username="john", email="john@example.com")
        db.session.add(Post(body="hello", author=user, like_count=3, boost_count=1))
        db.session.commit()
    page = app.test_client().get("/").text
    assert "3 likes" in page and "1 boost<" in page
    assert "/post/1/like" not in page and "Sign in to like or boost" in page


def likes_queries(make_app, count_queries, per_page: int) -> int:
    app = make_app(LIKES_PER_PAGE=per_page)
    with app.app_context():
        users = [User(username=f"u{n:02d}", email=f"u{n}@example.com") for n in range(30)]
        users[0].set_password("correct horse battery")
        db.session.add_all(users)
        post = Post(body="hello", author=users[0])
        db.session.add(post)
        db.session.flush()
        for user in users:
            user.like(post)
        db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"username": "u00", "password": "correct horse battery"})
    client.get("/post/1/likes")
    with count_queries(app) as counter:
        page = client.get("/post/1/likes").text
    assert page.count('class="user-popup"') == per_page
    return counter.count


def test_the_likes_page_queries_do_not_grow_with_its_size(make_app, count_queries):
    assert likes_queries(make_app, count_queries, 5) == likes_queries(make_app, count_queries, 25)
