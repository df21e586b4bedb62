"""Replies, edits and deletes through the API."""

import pytest

from app.extensions import db
from app.models import Post, PostEdit
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
