"""Replies, edits and deletes through the API."""

import pytest

from app.extensions import db
from app.models import Post, PostEdit, User
from app.models.moderation import HIDDEN
from tests.api.conftest import bearer


@pytest.fixture
def john_headers(make_user, get_token):
    make_user("john")
    return bearer(get_token("john"))


def test_reply_edit_and_delete(app, client, headers, john_headers):
    root = client.post("/api/posts", json={"body": "root post"}, headers=headers).json
    assert (root["in_reply_to"], root["is_reply"], root["edited_at"]) == (None, False, None)
    reply = client.post(
        "/api/posts",
        json={"body": "@susan a reply", "in_reply_to": root["id"]},
        headers=john_headers,
    )
    assert reply.status_code == 201
    assert (reply.json["in_reply_to"], reply.json["is_reply"]) == (root["id"], True)

    edited = client.put(f"/api/posts/{root['id']}", json={"body": "root, edited"}, headers=headers)
    assert edited.status_code == 200
    assert edited.json["body"] == "root, edited" and edited.json["edited_at"].endswith("Z")
    with app.app_context():
        assert db.session.scalars(db.select(PostEdit.body)).all() == ["root post"]

    assert client.delete(f"/api/posts/{root['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/posts/{root['id']}", headers=headers).status_code == 404
    after = client.get(reply.json["_links"]["self"], headers=headers).json
    assert (after["in_reply_to"], after["is_reply"]) == (None, True)


@pytest.mark.parametrize("in_reply_to", [999, 0, -1, 2**31, 10**30, "1", True, 1.5, [1]])
def test_reply_to_a_missing_or_invalid_post_is_400(app, client, headers, in_reply_to):
    client.post("/api/posts", json={"body": "root"}, headers=headers)
    payload = {"body": "reply", "in_reply_to": in_reply_to}
    response = client.post("/api/posts", json=payload, headers=headers)
    assert response.status_code == 400
    assert "in_reply_to" in response.json["fields"]
    with app.app_context():
        assert db.session.scalars(db.select(Post.body)).all() == ["root"]


def test_only_the_author_may_edit_or_delete(app, client, headers, john_headers):
    root = client.post("/api/posts", json={"body": "root"}, headers=headers).json
    url = f"/api/posts/{root['id']}"
    assert client.put(url, json={"body": "mine now"}, headers=john_headers).status_code == 403
    assert client.delete(url, headers=john_headers).status_code == 403
    assert client.put("/api/posts/999", json={"body": "x"}, headers=headers).status_code == 404
    assert client.delete("/api/posts/99999999999999", headers=headers).status_code == 404
    for payload in ({}, {"body": ""}, {"body": "x" * 281}, {"body": 1}):
        assert client.put(url, json=payload, headers=headers).status_code == 400
    assert client.put(url, data="x", headers=headers).status_code == 415
    with app.app_context():
        assert db.session.scalars(db.select(Post.body)).all() == ["root"]


def test_a_posts_replies_oldest_first_less_hidden_ones(
    app, client, headers, john_headers, make_user
):
    make_user("boss", is_admin=True)
    root = client.post("/api/posts", json={"body": "root"}, headers=headers).json
    assert root["_links"]["replies"] == f"/api/posts/{root['id']}/replies"
    ids = []
    for body in ("first", "second", "third"):
        reply = {"body": body, "in_reply_to": root["id"]}
        ids.append(client.post("/api/posts", json=reply, headers=john_headers).json["id"])
    deeper = {"body": "a reply to the first", "in_reply_to": ids[0]}
    client.post("/api/posts", json=deeper, headers=headers)
    with app.app_context():
        boss = db.session.scalar(db.select(User).where(User.username == "boss"))
        boss.hide_post(db.session.get(Post, ids[1]))
        db.session.commit()
    listed = client.get(root["_links"]["replies"], headers=headers).json
    assert [post["body"] for post in listed["items"]] == ["first", "third"]
    # Its author still sees the hidden one, in its place.
    listed = client.get(root["_links"]["replies"], headers=john_headers).json
    assert [post["body"] for post in listed["items"]] == ["first", "second", "third"]
    first = client.get(f"/api/posts/{ids[0]}/replies", headers=headers).json
    assert [post["body"] for post in first["items"]] == ["a reply to the first"]
    assert client.get(f"/api/posts/{ids[1]}/replies", headers=headers).status_code == 404
    assert client.get("/api/posts/999/replies", headers=headers).status_code == 404


def test_a_post_whose_replies_are_all_hidden_lists_none(app, client, headers, john_headers):
    root = client.post("/api/posts", json={"body": "root"}, headers=headers).json
    for body in ("first", "second"):
        reply = {"body": body, "in_reply_to": root["id"]}
        client.post("/api/posts", json=reply, headers=john_headers)
    with app.app_context():
        for post in db.session.scalars(db.select(Post).where(Post.in_reply_to_id == root["id"])):
            post.hidden = HIDDEN
        db.session.commit()
    listed = client.get(f"{root['_links']['replies']}?per_page=1", headers=headers)
    assert listed.status_code == 200
    assert (listed.json["items"], listed.json["_meta"]["total_items"]) == ([], 0)
    assert listed.json["_links"]["next"] is None
