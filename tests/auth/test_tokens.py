import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from flask import current_app

from app.extensions import db
from app.models import User
from app.models.passwords import RESET_PURPOSE


def claims_for(user):
    now = datetime.now(UTC)
    return {
        "sub": str(user.id),
        "purpose": RESET_PURPOSE,
        "pwd": user.password_fingerprint(),
        "iat": now,
        "exp": now + timedelta(minutes=10),
    }


def signed(claims, key=None, algorithm="HS256"):
    return jwt.encode(claims, key or current_app.config["SECRET_KEY"], algorithm=algorithm)


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def expired(user):
    claims = claims_for(user)
    claims["iat"] = claims["exp"] = datetime.now(UTC) - timedelta(seconds=5)
    return signed(claims)


def tampered_signature(user):
    token = user.get_reset_password_token()
    head, body, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}.{body}.{flipped}"


def tampered_claims(user):
    head, _, signature = user.get_reset_password_token().split(".")
    return f"{head}.{b64({**claims_for(user), 'sub': '2', 'iat': 0, 'exp': 2**40})}.{signature}"


def wrong_purpose(user):
    return signed({**claims_for(user), "purpose": "verify_email"})


def alg_none(user):
    claims = {**claims_for(user), "iat": 0, "exp": 2**40}
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


def other_key(user):
    return signed(claims_for(user), key="another-secret-key-of-a-decent-length-too")


def other_algorithm(user):
    # Only HS256 is accepted; the doubled key just satisfies HS512's minimum length.
    return signed(claims_for(user), key=current_app.config["SECRET_KEY"] * 2, algorithm="HS512")


def other_user(user):
    return signed({**claims_for(user), "sub": str(user.id + 100)})


def non_numeric_subject(user):
    return signed({**claims_for(user), "sub": "susan"})


def stale_password(user):
    return signed({**claims_for(user), "pwd": "0" * 32})


def missing(claim):
    def token(user):
        claims = claims_for(user)
        del claims[claim]
        return signed(claims)

    token.__name__ = f"missing_{claim}"
    return token


def garbage(user):
    return "not.a.token"


def empty(user):
    return ""


BAD_TOKENS = [
    expired,
    tampered_signature,
    tampered_claims,
    wrong_purpose,
    alg_none,
    other_key,
    other_algorithm,
    other_user,
    non_numeric_subject,
    stale_password,
    missing("sub"),
    missing("purpose"),
    missing("pwd"),
    missing("iat"),
    missing("exp"),
    garbage,
    empty,
]


def test_token_round_trip(app, make_user):
    make_user()
    make_user("bob")
    with app.app_context():
        bob = db.session.get(User, 2)
        token = bob.get_reset_password_token()
        assert User.verify_reset_password_token(token) == bob
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == app.config["RESET_TOKEN_TTL"]
        assert claims["purpose"] == RESET_PURPOSE
        assert bob.password_hash not in token


def test_token_dies_with_the_password(app, make_user):
    make_user()
    with app.app_context():
        user = db.session.get(User, 1)
        token = user.get_reset_password_token()
        user.set_password("a brand new password")
        assert User.verify_reset_password_token(token) is None


def test_token_lifetime_follows_setting(make_app):
    app = make_app(RESET_TOKEN_TTL=37)
    with app.app_context():
        user = User(username="susan", email="susan@example.com", password_hash="x")
        db.session.add(user)
        db.session.commit()
        token = user.get_reset_password_token()
        assert User.verify_reset_password_token(token) == user
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 37


@pytest.mark.parametrize("make_token", BAD_TOKENS, ids=lambda f: f.__name__)
def test_bad_token_is_refused(app, make_user, make_token):
    make_user()
    with app.app_context():
        token = make_token(db.session.get(User, 1))
        assert User.verify_reset_password_token(token) is None


@pytest.mark.parametrize("make_token", BAD_TOKENS, ids=lambda f: f.__name__)
def test_bad_link_shows_invalid_page(app, client, make_user, make_token):
    make_user()
    with app.app_context():
        token = make_token(db.session.get(User, 1))
    for method in ("GET", "POST"):
        if token:
            assert client.get(f"/auth/reset_password/{token}").status_code == 302
        response = client.open(
            "/auth/reset_password",
            method=method,
            data={"password": "a new password", "password2": "a new password"},
        )
        assert response.status_code == 400
        assert "Invalid or expired link" in response.text
    login = client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    assert login.status_code == 302, "the password must be unchanged"
