import stat
import uuid

import pytest
from flask import Flask

from app import create_app
from app.security import MissingSecretKey

PASSWORD = "correct horse"  # the make_user default


# --- CSRF -----------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def add_user(app, username="susan"):
    from app.extensions import db
    from app.models import User

    with app.app_context():
        user = User(username=username, email=f"{username}@example.com")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/auth/login", {"username": "susan", "password": PASSWORD}),
        (
            "/auth/register",
            {"username": "bob", "email": "bob@example.com", "password": PASSWORD * 2},
        ),
        ("/auth/reset_password_request", {"email": "susan@example.com"}),
        ("/auth/logout", {}),
    ],
)
def test_post_without_csrf_token_is_refused(csrf_app, path, data):
    add_user(csrf_app)
    client = csrf_app.test_client()
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "CSRF" in response.text or "Bad Request" in response.text


def test_post_with_csrf_token_works(csrf_app, csrf_token):
    add_user(csrf_app)
    client = csrf_app.test_client()

    token = csrf_token(client.get("/auth/register"))
    response = client.post(
        "/auth/register",
        data={
            "csrf_token": token,
            "username": "bob",
            "email": "bob@example.com",
            "password": "a good password",
            "password2": "a good password",
        },
    )
    assert response.headers["Location"] == "/auth/login"

    token = csrf_token(client.get("/auth/reset_password_request"))
    response = client.post(
        "/auth/reset_password_request", data={"csrf_token": token, "email": "bob@example.com"}
    )
    assert response.headers["Location"] == "/auth/login"

    token = csrf_token(client.get("/auth/login"))
    response = client.post(
        "/auth/login", data={"csrf_token": token, "username": "susan", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/index"

    # The logout button on every page carries its own token.
    token = csrf_token(client.get("/"))
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/index").headers["Location"].startswith("/auth/login")


# --- Rate limits ----------------------------------------------------------------------------

LIMITED = [
    ("LOGIN_RATE_LIMIT", "/auth/login", {"username": "nobody", "password": "wrong password"}),
    ("REGISTER_RATE_LIMIT", "/auth/register", {"username": "x"}),
    ("RESET_RATE_LIMIT", "/auth/reset_password_request", {"email": "nobody@example.com"}),
]


@pytest.mark.parametrize(("setting", "path", "data"), LIMITED)
def test_fourth_post_in_a_minute_is_refused(make_app, setting, path, data):
    app = make_app(RATELIMIT_ENABLED=True, **{setting: "3 per minute"})
    client = app.test_client()
    for _ in range(3):
        assert client.post(path, data=data).status_code in (200, 302)
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "<nav" in response.text, "the friendly page, with the site around it"
    # Only POSTs count: the form itself still shows.
    assert client.get(path).status_code == 200


def test_limits_are_per_client_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1 per minute")
    data = {"username": "nobody", "password": "wrong password"}
    one = app.test_client()
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert one.post("/auth/login", data=data).status_code == 200
    assert one.post("/auth/login", data=data).status_code == 429
    assert other.post("/auth/login", data=data).status_code == 200


@pytest.mark.redis
def test_limit_counter_lives_in_redis(make_app, redis_url):
    import redis

    url = redis_url
    # A client address of its own, so parallel runs do not share a counter.
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url}
    data = {"username": "nobody", "password": "wrong password"}
    server = redis.Redis.from_url(url)
    try:
        first = make_app(**settings, LOGIN_RATE_LIMIT="3 per minute")
        client = first.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        for _ in range(3):
            assert client.post("/auth/login", data=data).status_code == 200
        assert any(address in key.decode() for key in server.scan_iter(f"*{address}*"))

        # A second app (another worker process, in production) sees the same counter.
        second = make_app(**settings, LOGIN_RATE_LIMIT="3 per minute")
        client = second.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        assert client.post("/auth/login", data=data).status_code == 429
    finally:
        for key in server.scan_iter(f"*{address}*"):
            server.delete(key)
        server.close()


def test_memory_counter_is_per_app(make_app):
    """The control for the Redis test: without shared storage a new app starts from zero."""
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "1 per minute"}
    data = {"username": "nobody", "password": "wrong password"}
    client = make_app(**settings).test_client()
    client.post("/auth/login", data=data)
    assert client.post("/auth/login", data=data).status_code == 429
    assert make_app(**settings).test_client().post("/auth/login", data=data).status_code == 200


# --- Headers and cookies --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/auth/login", "/", "/no-such-page", "/static/microblog.css", "/auth/logout"]
)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    response.close()
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer"}
    assert "Strict-Transport-Security" not in response.headers


def test_session_cookie_is_http_only_and_lax(auth, make_user):
    make_user()
    cookies = auth.login().headers.getlist("Set-Cookie")
    session = [c for c in cookies if c.startswith("session=")]
    assert len(session) == 1
    assert "HttpOnly" in session[0]
    assert "SameSite=Lax" in session[0]
    assert "Secure" not in session[0]


def test_cookies_are_secure_over_https(app, make_user):
    make_user()
    client = app.test_client()
    response = client.post(
        "/auth/login",
        data={"username": "susan", "password": PASSWORD, "remember_me": "y"},
        base_url="https://localhost",
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} == {"session", "remember_token", "device"}
    for cookie in cookies:
        assert "; Secure" in cookie
        assert cookie.count("Secure") == 1
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_https_behind_trusted_proxy(make_app, make_user):
    app = make_app(TRUSTED_PROXIES=1)
    response = app.test_client().get("/auth/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_forwarded_proto_ignored_without_trusted_proxy(client):
    response = client.get("/auth/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


# --- SECRET_KEY -----------------------------------------------------------------------------


@pytest.fixture
def instance_path(tmp_path, monkeypatch):
    """Point every new app at a temporary instance folder, not the real instance/."""
    path = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(path))
    return path


def test_missing_secret_key_is_an_error_in_production(instance_path):
    with pytest.raises(MissingSecretKey, match="SECRET_KEY is not set"):
        create_app({"SECRET_KEY": None, "TESTING": False, "DEBUG": False})
    assert not instance_path.exists()


def test_testing_app_creates_instance_key_once(instance_path):
    settings = {"SECRET_KEY": None, "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    first = create_app(settings)
    key_file = instance_path / "secret_key"
    key = key_file.read_text().strip()
    assert first.config["SECRET_KEY"] == key
    assert len(key) >= 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    assert create_app(settings).config["SECRET_KEY"] == key
    # Once the key exists, a production app uses it rather than refusing to start.
    production = create_app(
        {**settings, "TESTING": False, "LOG_TO_STDOUT": True, "SERVER_NAME": "localhost"}
    )
    for handler in list(production.logger.handlers):
        production.logger.removeHandler(handler)
        handler.close()
    assert production.config["SECRET_KEY"] == key


def test_configured_secret_key_wins(instance_path):
    app = create_app({"SECRET_KEY": "from-the-environment", "TESTING": True})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not instance_path.exists()
