"""The API's tags and notifications: a post's tags and HTML, a tag's posts, your alerts."""

from app.extensions import db
from app.models import Post, User
from tests.api.conftest import bearer


def write(app, username, body):
    with app.app_context():
        Post.write(db.session.scalar(User.by_username(username)), body)
        db.session.commit()


def test_a_post_has_its_html_and_tags(app, client, headers, make_user):
    response = client.post(
        "/api/posts", json={"body": "**hi** #Flask #学习 #flask"}, headers=headers
    )
    assert response.status_code == 201
    assert response.json["tags"] == ["flask", "学习"]
    assert response.json["html"].startswith("<p><strong>hi</strong>")
    assert client.get("/api/posts", headers=headers).json["items"][0]["tags"] == ["flask", "学习"]


def test_a_post_from_before_markdown_has_no_html(app, client, headers, susan):
    with app.app_context():
        db.session.add(Post(body="old", user_id=susan.id))
        db.session.commit()
    item = client.get("/api/posts", headers=headers).json["items"][0]
    assert item["html"] is None and item["tags"] == []


def test_a_tags_posts_newest_first(app, client, headers, susan):
    for body in ("one #flask", "two", "three #FLASK"):
        write(app, "susan", body)
    response = client.get("/api/tags/Flask/posts", headers=headers)
    assert [p["body"] for p in response.json["items"]] == ["three #FLASK", "one #flask"]
    assert response.json["_links"]["self"].startswith("/api/tags/flask/posts")
    assert client.get("/api/tags/nothing/posts", headers=headers).status_code == 404
    assert client.get("/api/tags/flask/posts").status_code == 401


def test_a_tags_posts_leave_out_hidden_ones(app, client, headers, get_token, make_user):
    make_user("john"), make_user("boss", is_admin=True)
    write(app, "john", "one #flask")
    write(app, "john", "two #flask")
    with app.app_context():
        two = db.session.scalar(db.select(Post).where(Post.body == "two #flask"))
        db.session.scalar(User.by_username("boss")).hide_post(two)
        db.session.commit()
    listed = client.get("/api/tags/flask/posts", headers=headers).json
    assert [p["body"] for p in listed["items"]] == ["one #flask"]
    assert listed["_meta"]["total_items"] == 1
    for reader in ("john", "boss"):  # its author and the admins still find it
        found = client.get("/api/tags/flask/posts", headers=bearer(get_token(reader))).json
        assert [p["body"] for p in found["items"]] == ["two #flask", "one #flask"]


def test_my_alerts(app, client, headers, susan, make_user):
    make_user("john")
    write(app, "john", "hi @susan")
    write(app, "john", "again @susan")
    items = client.get("/api/alerts", headers=headers).json["items"]
    assert [(a["kind"], a["actor"]["username"], a["unread"]) for a in items] == [
        ("mention", "john", True),
        ("mention", "john", True),
    ]
    assert items[0]["_links"]["post"] == f"/api/posts/{items[0]['post_id']}"


def test_my_alerts_leave_out_those_from_someone_i_blocked_since(
    app, client, headers, susan, make_user
):
    make_user("john"), make_user("mary")
    write(app, "john", "hi @susan")
    write(app, "mary", "hello @susan")
    assert client.post(f"/api/users/{susan.id + 1}/block", headers=headers).status_code < 300
    items = client.get("/api/alerts", headers=headers).json
    assert [a["actor"]["username"] for a in items["items"]] == ["mary"]
    assert items["_meta"]["total_items"] == 1
