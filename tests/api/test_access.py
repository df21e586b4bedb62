"""Who may read: every user and post read needs a bearer token, as the site needs a login."""

import pytest

from tests.api.conftest import bearer

READS = [
    "/api/users",
    "/api/users/{id}",
    "/api/users/{id}/followers",
    "/api/users/{id}/following",
    "/api/users/{id}/posts",
    "/api/posts",
    "/api/posts/1",
    "/api/timeline",
]


@pytest.mark.parametrize("path", READS)
def test_reading_needs_a_token(client, susan, get_token, path):
    url = path.format(id=susan.id)
    response = client.get(url)
    assert response.status_code == 401
    assert response.is_json
    assert response.json["error"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "last_seen" not in response.text
    token = get_token()
    client.post("/api/posts", json={"body": "hello"}, headers=bearer(token))
    assert client.get(url, headers=bearer(token)).status_code == 200


def test_the_description_is_public(client):
    assert client.get("/api/openapi.json").status_code == 200
