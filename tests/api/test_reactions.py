"""The API's likes and boosts: POST and DELETE /api/posts/<id>/like and /boost, and who liked."""

from app.extensions import db
from app.models import Post, User


def a_post(app, author: str = "john") -> int:
    with app.app_context():
        user = User(username=author, email=f"{author}@example.com")
        post = Post(body="hello", author=user)
        db.session.add(post)
        db.session.commit()
        return post.id


def test_like_boost_and_take_back(app, client, headers):
    post = a_post(app)
    for _ in range(2):  # a second like or boost changes nothing
        assert client.post(f"/api/posts/{post}/like", headers=headers).json["like_count"] == 1
        assert client.post(f"/api/posts/{post}/boost", headers=headers).json["boost_count"] == 1
    likes = client.get(f"/api/posts/{post}/likes", headers=headers).json
    assert [user["username"] for user in likes["items"]] == ["susan"]
    shown = client.get(f"/api/posts/{post}", headers=headers).json
    assert (shown["like_count"], shown["boost_count"]) == (1, 1)
    assert shown["_links"]["likes"] == f"/api/posts/{post}/likes"
    for _ in range(2):
        assert client.delete(f"/api/posts/{post}/like", headers=headers).json["like_count"] == 0
        assert client.delete(f"/api/posts/{post}/boost", headers=headers).json["boost_count"] == 0
    assert client.get(f"/api/posts/{post}/likes", headers=headers).json["items"] == []


def test_a_boost_shows_in_the_followers_timeline(app, client, headers, make_user, get_token):
    from tests.api.conftest import bearer

    post = a_post(app, "stranger")
    make_user("mary")
    with app.app_context():
        mary = db.session.scalar(User.by_username("mary"))
        mary.follow(db.session.scalar(User.by_username("susan")))
        db.session.commit()
    mary_headers = bearer(get_token("mary"))
    assert client.get("/api/timeline", headers=mary_headers).json["items"] == []
    client.post(f"/api/posts/{post}/boost", headers=headers)
    own = client.post("/api/posts", headers=mary_headers, json={"body": "mine"}).json["id"]
    items = client.get("/api/timeline", headers=mary_headers).json["items"]
    assert [(item["id"], item["boosted_by"]) for item in items] == [(own, None), (post, "susan")]
    # Everywhere else a post is itself, without a booster.
    assert "boosted_by" not in client.get(f"/api/posts/{post}", headers=mary_headers).json
    client.delete(f"/api/posts/{post}/boost", headers=headers)
    items = client.get("/api/timeline", headers=mary_headers).json["items"]
    assert [(item["id"], item["boosted_by"]) for item in items] == [(own, None)]


def test_missing_posts_and_no_token(client, headers):
    for method in (client.post, client.delete):
        assert method("/api/posts/999/like", headers=headers).status_code == 404
        assert method("/api/posts/99999999999/boost", headers=headers).status_code == 404
    assert client.get("/api/posts/999/likes", headers=headers).status_code == 404
    assert client.post("/api/posts/1/like").status_code == 401
