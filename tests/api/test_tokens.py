"""POST and DELETE /api/tokens: Basic credentials for a bearer token that expires or is revoked."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import ApiToken, User, password_hasher
from tests.api.conftest import basic, bearer
from tests.conftest import PASSWORD


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


NEW_PASSWORD = "battery staple"


def change_password(app):
    """Change susan's password through the change-password page."""
    browser = app.test_client()
    browser.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    data = {"current_password": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert browser.post("/auth/change_password", data=data).status_code == 302


def reset_password(app):
    """Reset susan's password through an emailed link."""
    with app.app_context():
        link_token = db.session.get(User, 1).get_reset_password_token()
    browser = app.test_client()
    browser.get(f"/auth/reset_password/{link_token}")
    data = {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert browser.post("/auth/reset_password", data=data).status_code == 302


@pytest.mark.parametrize("new_password", [change_password, reset_password])
def test_a_new_password_revokes_every_token(app, client, susan, get_token, new_password):
    tokens = [get_token(), get_token("susan@example.com")]
    for token in tokens:
        assert client.get("/api/timeline", headers=bearer(token)).status_code == 200

    new_password(app)

    for token in tokens:
        response = client.get("/api/timeline", headers=bearer(token))
        assert response.status_code == 401
        assert "error=invalid_token" in response.headers["WWW-Authenticate"].replace('"', "")
    fresh = bearer(get_token(password=NEW_PASSWORD))
    assert client.get("/api/timeline", headers=fresh).status_code == 200
    assert client.post("/api/tokens", headers=basic("susan")).status_code == 401


def test_a_token_issued_while_the_password_changes_is_refused(app, client, susan):
    # The token request checked the old password; the new one is saved before its token.
    with app.app_context():
        user = db.session.get(User, 1)
        with db.engine.begin() as other_request:
            other_request.execute(
                update(User).values(password_hash=password_hasher().hash(NEW_PASSWORD))
            )
        token = ApiToken.issue(user, timedelta(hours=1))
        db.session.commit()
    assert client.get("/api/timeline", headers=bearer(token)).status_code == 401
