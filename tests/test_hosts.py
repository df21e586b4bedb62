"""The site's canonical origin: emailed links, redirects and accepted Host headers come from
SERVER_NAME and PREFERRED_URL_SCHEME, never from what a request says about itself."""

import re

import click
import pytest

from app import Microblog, create_app
from app.extensions import mail
from app.security import MissingSecretKey, MissingServerName, WeakSecretKey, serves_requests
from tests.conftest import PASSWORD

SITE = {"SERVER_NAME": "microblog.example", "PREFERRED_URL_SCHEME": "https"}
# An alias the site also answers to, so a request can reach a view under another host.
ALIAS = "alias.example"
LINK = re.compile(r"https?://[^/\s\"]+/auth/[\w./-]+")


@pytest.fixture
def site(make_app):
    return make_app(**SITE, TRUSTED_HOSTS=[ALIAS])


def links(message) -> set[str]:
    return set(LINK.findall(message.body)) | set(LINK.findall(message.html))


def test_reset_email_links_to_server_name_whatever_the_host_header(site):
    from tests.conftest import add_user

    add_user(site)
    client = site.test_client()
    with mail.record_messages() as outbox:
        response = client.post(
            "/auth/reset_password_request",
            data={"email": "susan@example.com"},
            base_url=f"http://{ALIAS}",
        )
    assert response.status_code == 302
    [message] = outbox
    found = links(message)
    assert found, message.body
    assert all(link.startswith("https://microblog.example/auth/") for link in found), found


def test_password_changed_email_links_to_server_name(site, csrf_token):
    from tests.conftest import add_user

    add_user(site)
    client = site.test_client()
    base = f"http://{ALIAS}"
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD}, base_url=base)
    new = "a different passphrase"
    with mail.record_messages() as outbox:
        response = client.post(
            "/auth/change_password",
            data={"current_password": PASSWORD, "password": new, "password2": new},
            base_url=base,
        )
    assert response.status_code == 302
    [message] = outbox
    assert links(message) == {"https://microblog.example/auth/reset_password_request"}


@pytest.mark.parametrize(
    "path", ["/auth/login", "/auth/reset_password_request", "/static//microblog.js", "/nowhere"]
)
def test_foreign_host_is_refused(site, path):
    response = site.test_client().get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert "<a " not in response.text


def test_foreign_host_cannot_request_a_reset(site):
    from tests.conftest import add_user

    add_user(site)
    with mail.record_messages() as outbox:
        response = site.test_client().post(
            "/auth/reset_password_request",
            data={"email": "susan@example.com"},
            headers={"Host": "evil.example"},
        )
    assert response.status_code == 400
    assert outbox == []


def test_redirects_carry_the_server_name(site):
    response = site.test_client().get("/static//microblog.js", headers={"Host": ALIAS})
    assert response.status_code == 308
    assert response.headers["Location"].startswith("https://microblog.example/static/")


def test_port_of_server_name_is_not_part_of_the_host_check(make_app):
    app = make_app(SERVER_NAME="127.0.0.1:8000")
    assert app.config["TRUSTED_HOSTS"] == ["127.0.0.1"]
    client = app.test_client()
    assert client.get("/auth/login", headers={"Host": "127.0.0.1:8001"}).status_code == 200
    assert client.get("/auth/login", headers={"Host": "localhost:8000"}).status_code == 400


def test_any_host_without_server_name_in_testing(client):
    assert client.get("/auth/login", headers={"Host": "anything.example"}).status_code == 200


# --- Settings a serving app refuses to start without ----------------------------------------

STRONG_KEY = "k" * 32
PRODUCTION = {"TESTING": False, "DEBUG": False, "SQLALCHEMY_DATABASE_URI": "sqlite://"}


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"SECRET_KEY": None}, MissingSecretKey, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "x"}, WeakSecretKey, "too short"),
        ({"SECRET_KEY": "k" * 31}, WeakSecretKey, "too short"),
        ({"SECRET_KEY": STRONG_KEY, "SERVER_NAME": None}, MissingServerName, "SERVER_NAME"),
    ],
)
def test_production_app_refuses_missing_or_weak_settings(
    settings, error, message, monkeypatch, tmp_path
):
    # An instance/secret_key left by `make run` would be loaded: look in an empty folder.
    monkeypatch.setattr(Microblog, "auto_find_instance_path", lambda app: str(tmp_path))
    with pytest.raises(error, match=message):
        create_app({**PRODUCTION, **settings})


def test_production_app_starts_with_strong_key_and_server_name():
    settings = {"SECRET_KEY": STRONG_KEY, "SERVER_NAME": "example.com", "LOG_TO_STDOUT": True}
    app = create_app({**PRODUCTION, **settings})
    for handler in list(app.logger.handlers):
        app.logger.removeHandler(handler)
        handler.close()
    assert app.config["TRUSTED_HOSTS"] == ["example.com"]


def test_debug_app_may_use_the_request_host():
    app = create_app({**PRODUCTION, "DEBUG": True, "SECRET_KEY": "x", "SERVER_NAME": None})
    assert app.config["TRUSTED_HOSTS"] is None


@pytest.mark.parametrize(
    ("command", "serves"), [("run", True), ("worker", True), ("upgrade", False), ("shell", False)]
)
def test_only_commands_that_serve_need_serving_settings(command, serves):
    assert serves_requests() is True, "gunicorn: no click command at all"
    with click.Context(click.Command(command)):
        assert serves_requests() is serves


def test_settings_errors_print_as_one_line_for_flask_commands():
    # click prints a ClickException as "Error: <message>" and exits 1, without a traceback.
    assert issubclass(MissingServerName, click.ClickException)
    assert issubclass(MissingSecretKey, click.ClickException)


# --- Request bodies -------------------------------------------------------------------------


def test_body_over_the_limit_gets_the_sites_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/auth/login", data={"username": "x" * 2048})
    assert response.status_code == 413
    assert "<nav" in response.text
    assert "x" * 100 not in response.text


def test_body_over_the_limit_is_json_under_the_api(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/api/users", json={"about_me": "x" * 2048})
    assert response.status_code == 413
    assert response.is_json
    assert response.json["error"]


def test_default_body_limit_is_one_mebibyte(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    response = app.test_client().post("/auth/login", data={"username": "x" * (1024 * 1024)})
    assert response.status_code == 413
