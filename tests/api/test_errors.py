"""Every error under /api/ is JSON with the right status, never an HTML page or a 500."""

import pytest


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/nothing/here", 404),
        ("get", "/api", 404),
        ("get", "/api/users/abc", 404),
        ("get", "/api/users/-1", 404),
        ("patch", "/api/users", 405),
        ("delete", "/api/posts", 405),
        ("put", "/api/tokens", 405),
    ],
)
def test_routing_errors_are_json(client, headers, method, path, status):
    response = getattr(client, method)(path, headers=headers)
    assert response.status_code == status
    assert response.is_json
    assert set(response.json) == {"error", "message"}


def test_405_lists_the_allowed_methods(client):
    allowed = client.patch("/api/users").headers["Allow"]
    assert {"GET", "POST"} <= {method.strip() for method in allowed.split(",")}


def test_site_pages_still_get_html_errors(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "body=hello"}, 415),
        ({"data": "body=hello", "content_type": "application/x-www-form-urlencoded"}, 415),
        ({"data": "{not json", "content_type": "application/json"}, 400),
        ({"data": "[1, 2]", "content_type": "application/json"}, 400),
        ({"data": "null", "content_type": "application/json"}, 400),
        ({"data": '"text"', "content_type": "application/json"}, 400),
        ({"data": b"\xff\xfe", "content_type": "application/json"}, 400),
        ({"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"}, 400),
        ({"data": '{"body": NaN, "username": NaN}', "content_type": "application/json"}, 400),
    ],
)
def test_bodies_that_are_not_json_objects(client, susan, headers, kwargs, status):
    for path, method in (("/api/posts", client.post), (f"/api/users/{susan.id}", client.put)):
        response = method(path, headers=headers, **kwargs)
        assert response.status_code == status, path
        assert response.is_json


def test_registration_needs_json_too(client):
    response = client.post("/api/users", data={"username": "amy"})
    assert response.status_code == 415
    assert response.json["error"] == "Unsupported Media Type"


def test_bad_bearer_token_is_401_even_where_no_token_is_needed(client, susan):
    response = client.get("/api/openapi.json", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.is_json
    assert client.get("/api/openapi.json").status_code == 200


def test_registration_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="1 per minute")
    client = app.test_client()
    assert client.post("/api/users", json={}).status_code == 400
    response = client.post("/api/users", json={})
    assert response.status_code == 429
    assert response.is_json


def test_no_csrf_token_needed(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post(
        "/api/users",
        json={"username": "amy", "email": "amy@example.com", "password": "long enough"},
    )
    assert response.status_code == 202
