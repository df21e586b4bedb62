"""Through the API too, an account reads but does not write until its address is confirmed."""

import re

from app.extensions import db, mail
from app.models import Post, User
from tests.api.conftest import bearer

NEW_USER = {"username": "amy", "email": "amy@example.com", "password": "long enough"}
REFUSED = "Please confirm your email address first"


def test_signing_up_through_the_api_sends_the_confirmation_link(app, client, get_token):
    with mail.record_messages() as outbox:
        response = client.post("/api/users", json=NEW_USER)
    assert response.status_code == 202
    assert [(m.recipients, m.subject) for m in outbox] == [
        (["amy@example.com"], "[Microblog] Welcome to Microblog")
    ]
    path = re.search(r"http://localhost(/auth/confirm/[\w.-]+)", outbox[0].body).group(1)

    headers = bearer(get_token("amy", "long enough"))
    assert client.get("/api/timeline", headers=headers).status_code == 200
    refused = client.post("/api/posts", json={"body": "hello"}, headers=headers)
    assert refused.status_code == 403
    assert refused.json["error"] == "Forbidden"
    assert REFUSED in refused.json["message"]
    with app.app_context():
        assert db.session.scalar(db.select(Post)) is None
        assert db.session.scalar(User.by_username("amy")).confirmed_at is None

    client.get(path)
    assert client.post("/api/posts", json={"body": "hello"}, headers=headers).status_code == 201
