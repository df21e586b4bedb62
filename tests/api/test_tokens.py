"""POST and DELETE /api/tokens: Basic credentials for a bearer token that expires or is revoked."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import ApiToken, User
from tests.api.conftest import basic, bearer


@pytest.mark.parametrize("login", ["susan", "SUSAN", "susan@example.com", " Susan@Example.com "])
def test_token_for_username_or_email(client, susan, login):
    response = client.post("/api/tokens", headers=basic(login))
    assert response.status_code == 201
    expires_at = datetime.fromisoformat(response.json["expires_at"])
    lifetime = expires_at - datetime.now(UTC)
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1)
    me = client.get("/api/users/1", headers=bearer(response.json["token"]))
    assert me.json["email"] == "susan@example.com"


def test_only_a_digest_is_stored(app, client, susan, get_token):
    token = get_token()
    with app.app_context():
        stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert len(stored) == 1
    assert token not in stored[0]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        basic("susan", "wrong password"),
        basic("nobody", "correct horse"),
        basic("", ""),
        basic("sus\x00an"),
        {"Authorization": "Basic not-base64!"},
        {"Authorization": "Token something"},
    ],
)
def test_bad_credentials_get_401_with_a_basic_challenge(client, susan, headers):
    response = client.post("/api/tokens", headers=headers)
    assert response.status_code == 401
    assert response.json["error"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_token_lifetime_setting(make_app, make_user):
    app = make_app(API_TOKEN_TTL=120)
    with app.app_context():
        user = User(username="amy", email="amy@example.com")
        user.set_password("correct horse")
        db.session.add(user)
        db.session.commit()
    response = app.test_client().post("/api/tokens", headers=basic("amy"))
    lifetime = datetime.fromisoformat(response.json["expires_at"]) - datetime.now(UTC)
    assert timedelta(seconds=100) < lifetime <= timedelta(seconds=120)


def test_expired_token_is_refused(app, client, susan, headers):
    assert client.get("/api/timeline", headers=headers).status_code == 200
    with app.app_context():
        record = db.session.scalar(db.select(ApiToken))
        record.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    response = client.get("/api/timeline", headers=headers)
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer")
    assert "error=invalid_token" in challenge.replace('"', "")


def test_revoked_token_is_refused_and_others_still_work(client, susan, get_token):
    first, second = get_token(), get_token()
    assert client.delete("/api/tokens", headers=bearer(first)).status_code == 204
    assert client.get("/api/timeline", headers=bearer(first)).status_code == 401
    assert client.delete("/api/tokens", headers=bearer(first)).status_code == 401
    assert client.get("/api/timeline", headers=bearer(second)).status_code == 200


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer not-a-token", "Token abc", "Basic c3VzYW46eA=="]
)
def test_revoking_needs_a_valid_bearer_token(client, susan, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.delete("/api/tokens", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.is_json


def test_token_requests_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [client.post("/api/tokens", headers=basic("x", "y")).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    response = client.post("/api/tokens", headers=basic("x", "y"))
    assert response.status_code == 429
    assert response.json["error"] == "Too Many Requests"
