"""The posts endpoints: everyone's, one user's, your timeline, and writing a post."""

import pytest

from app.extensions import db
from app.models import Post, User


def add_posts(app, username: str, *bodies: str) -> None:
    with app.app_context():
        author = db.session.scalar(User.by_username(username))
        db.session.add_all(Post(body=body, author=author) for body in bodies)
        db.session.commit()


def test_write_a_post(app, client, susan, headers):
    body = "  The quick brown fox jumps over the lazy dog, as every typist knows.  "
    response = client.post("/api/posts", json={"body": body}, headers=headers)
    assert response.status_code == 201
    post = response.json
    assert post["body"] == body.strip()
    assert post["language"] == "en"
    assert post["author"] == {
        "id": susan.id,
        "username": "susan",
        "_links": {"self": f"/api/users/{susan.id}"},
    }
    assert post["timestamp"].endswith("Z")
    assert response.headers["Location"] == post["_links"]["self"]
    assert client.get(post["_links"]["self"], headers=headers).json == post
    with app.app_context():
        assert db.session.scalar(db.select(Post.body)) == body.strip()


@pytest.mark.parametrize(
    "payload",
    [{}, {"body": ""}, {"body": "   \n "}, {"body": "x" * 281}, {"body": 42}, {"body": None}],
)
def test_post_validation(app, client, susan, headers, payload):
    response = client.post("/api/posts", json=payload, headers=headers)
    assert response.status_code == 400
    assert response.json["fields"]["body"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


def test_a_post_of_280_characters_is_fine(client, susan, headers):
    assert client.post("/api/posts", json={"body": "y" * 280}, headers=headers).status_code == 201


def test_a_line_break_counts_one_character_however_it_is_written(client, susan, headers):
    body = "y" * 140 + "\r\n" + "z" * 139
    response = client.post("/api/posts", json={"body": body}, headers=headers)
    assert response.status_code == 201
    assert response.json["body"] == "y" * 140 + "\n" + "z" * 139


def test_writing_needs_a_token(client, susan):
    response = client.post("/api/posts", json={"body": "hello"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_all_posts_newest_first(app, client, headers, make_user):
    make_user("john")
    add_posts(app, "susan", "one", "two")
    add_posts(app, "john", "three")
    page = client.get("/api/posts?per_page=2", headers=headers).json
    assert [post["body"] for post in page["items"]] == ["three", "two"]
    meta = {"page": 1, "per_page": 2, "total_pages": 2, "total_items": 3, "has_next": True}
    assert page["_meta"] == meta
    rest = client.get(page["_links"]["next"], headers=headers).json
    assert [post["body"] for post in rest["items"]] == ["one"]


def test_user_posts(app, client, headers, make_user):
    john = make_user("john")
    add_posts(app, "susan", "mine")
    add_posts(app, "john", "his")
    page = client.get(f"/api/users/{john.id}/posts", headers=headers).json
    assert [post["body"] for post in page["items"]] == ["his"]
    assert page["_meta"]["total_items"] == 1
    assert page["_links"]["self"] == f"/api/users/{john.id}/posts?page=1&per_page=25"


def test_timeline(app, client, susan, make_user, headers):
    make_user("john")
    make_user("carol")
    add_posts(app, "susan", "mine")
    add_posts(app, "john", "followed")
    add_posts(app, "carol", "not followed")
    with app.app_context():
        me = db.session.scalar(User.by_username("susan"))
        me.follow(db.session.scalar(User.by_username("john")))
        db.session.commit()
    page = client.get("/api/timeline", headers=headers).json
    assert [post["body"] for post in page["items"]] == ["followed", "mine"]
    assert (page["_meta"]["total_items"], page["_meta"]["total_pages"]) == (2, 1)
    assert client.get("/api/timeline").status_code == 401


def test_unknown_post_is_404(client, headers):
    assert client.get("/api/posts/12345", headers=headers).status_code == 404
    assert client.get("/api/posts/" + "1" * 30, headers=headers).json["error"] == "Not Found"
