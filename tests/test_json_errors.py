"""Errors on any URL are JSON for a client that prefers JSON (Accept), and pages otherwise."""

import pytest

from app import create_app
from tests.conftest import TEST_CONFIG

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def assert_json_error(response, status: int, name: str) -> None:
    assert response.status_code == status
    assert response.is_json
    assert response.json["error"] == name
    assert response.json["message"]


@pytest.mark.parametrize(
    "accept", [JSON, {"Accept": "*/*"}, {"Accept": "application/json, text/html"}]
)
@pytest.mark.parametrize("path", ["/no/such/page", "/static/missing.css", "/auth/reset/x/y"])
def test_404_is_json_when_json_is_preferred(client, accept, path):
    assert_json_error(client.get(path, headers=accept), 404, "Not Found")


def test_a_signed_in_page_404_is_json(client, make_user, auth):
    make_user("susan")
    auth.login()
    assert_json_error(client.get("/user/nobody", headers=JSON), 404, "Not Found")


@pytest.mark.parametrize("accept", [BROWSER, {}, {"Accept": "text/html, application/json;q=0.5"}])
def test_404_is_a_page_otherwise(client, accept):
    response = client.get("/no/such/page", headers=accept)
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("accept", [JSON, {"Accept": "*/*"}])
@pytest.mark.parametrize("path", ["/notifications?since=0", "/user/susan/popup", "/index"])
def test_a_script_that_needs_sign_in_gets_a_json_401_and_no_cookie(client, accept, path):
    response = client.get(path, headers=accept)
    assert_json_error(response, 401, "Unauthorized")
    assert response.json["message"] == "Please log in to access this page."
    # No flash and no session: a login form open in the same browser keeps its CSRF token.
    assert "Set-Cookie" not in response.headers


def test_a_page_that_needs_sign_in_sends_a_browser_to_the_login_page(client):
    response = client.get("/notifications?since=0", headers=BROWSER)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Fnotifications%3Fsince%3D0"
    login_page = client.get(response.headers["Location"], headers=BROWSER)
    assert "Please log in to access this page." in login_page.text


def test_405_is_json_with_its_allow_header(client):
    response = client.get("/auth/logout", headers=JSON)
    assert_json_error(response, 405, "Method Not Allowed")
    assert "POST" in response.headers["Allow"]


def test_413_is_json(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/auth/login", data={"username": "x" * 2048}, headers=JSON)
    assert_json_error(response, 413, "Request Entity Too Large")


def test_missing_csrf_token_is_a_json_400(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/auth/logout", headers=JSON)
    assert_json_error(response, 400, "Bad Request")
    assert "CSRF" in response.json["message"]


def test_429_is_json(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1 per minute")
    client = app.test_client()
    data = {"username": "susan", "password": "wrong password"}
    client.post("/auth/login", data=data, headers=JSON)
    assert_json_error(client.post("/auth/login", data=data, headers=JSON), 429, "Too Many Requests")


def test_500_is_json(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/fail")
    def fail():
        raise RuntimeError("a secret detail")

    response = app.test_client().get("/fail", headers=JSON)
    assert_json_error(response, 500, "Internal Server Error")
    assert "secret" not in response.text


def test_503_is_json(tmp_path):
    missing = tmp_path / "no such folder" / "app.db"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    data = {"username": "susan", "password": "x" * 10}
    response = app.test_client().post("/auth/login", data=data, headers=JSON)
    assert_json_error(response, 503, "Service Unavailable")


def test_untrusted_host_is_json(make_app):
    app = make_app(SERVER_NAME="microblog.example")
    response = app.test_client().get("/", base_url="http://evil.example", headers=JSON)
    assert_json_error(response, 400, "Bad Request")
