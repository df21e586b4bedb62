"""Blocks, mutes and reports through the API; hidden posts are not listed."""

import pytest

from app.extensions import db
from app.models import Post, Report, User
from tests.settings import PASSWORD


@pytest.fixture
def people(app, make_user):
    ids = {name: make_user(name).id for name in ("susan", "john", "boss")}
    with app.app_context():
        db.session.get(User, ids["boss"]).is_admin = True
        post = Post.write(db.session.get(User, ids["john"]), "spam spam")
        db.session.commit()
        ids["post"] = post.id
    return ids


def bearer(client, name):
    token = client.post("/api/tokens", auth=(name, PASSWORD)).json
    return {"Authorization": f"Bearer {token['token']}"}


def test_block_and_mute(app, client, people):
    headers = bearer(client, "susan")
    john = people["john"]
    assert client.post(f"/api/users/{john}/mute", headers=headers).status_code == 204
    listed = client.get("/api/posts", headers=headers).json["items"]
    assert all(post["author"]["id"] != john for post in listed)
    assert client.delete(f"/api/users/{john}/mute", headers=headers).status_code == 204
    assert client.post(f"/api/users/{john}/block", headers=headers).status_code == 204
    with app.app_context():
        susan, john_user = db.session.get(User, people["susan"]), db.session.get(User, john)
        assert john_user.is_blocked_by(susan)
    assert client.delete(f"/api/users/{john}/block", headers=headers).status_code == 204
    assert client.post(f"/api/users/{people['susan']}/block", headers=headers).status_code == 400
    assert client.post("/api/users/999/mute", headers=headers).status_code == 404
    assert client.post(f"/api/users/{john}/mute").status_code == 401


def test_reports(app, client, people):
    headers = bearer(client, "susan")
    post = people["post"]
    response = client.post(
        f"/api/posts/{post}/report", json={"reason": "spam", "details": "ads"}, headers=headers
    )
    assert response.status_code == 201
    assert response.json["post"] == f"/api/posts/{post}" and response.json["reason"] == "spam"
    response = client.post(
        f"/api/users/{people['john']}/report", json={"reason": "abuse"}, headers=headers
    )
    assert response.status_code == 201 and response.json["post"] is None
    bad = client.post(f"/api/posts/{post}/report", json={"reason": "x"}, headers=headers)
    assert bad.status_code == 400 and "reason" in bad.json["fields"]
    assert (
        client.post("/api/posts/999/report", json={"reason": "spam"}, headers=headers).status_code
        == 404
    )
    with app.app_context():
        assert len(db.session.scalars(Report.open_reports()).all()) == 2


def test_hidden_posts_are_for_their_author_and_admins(app, client, people):
    post = people["post"]
    with app.app_context():
        boss = db.session.get(User, people["boss"])
        boss.hide_post(db.session.get(Post, post))
        db.session.commit()
    for name, seen in (("susan", False), ("john", True), ("boss", True)):
        headers = bearer(client, name)
        assert (client.get(f"/api/posts/{post}", headers=headers).status_code == 200) is seen
        listed = [p["id"] for p in client.get("/api/posts", headers=headers).json["items"]]
        assert (post in listed) is seen, name
        mine = client.get(f"/api/users/{people['john']}/posts", headers=headers).json["items"]
        assert (post in [p["id"] for p in mine]) is seen, name
