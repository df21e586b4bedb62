"""The API on PostgreSQL and MariaDB (migrated, not create_all), and with no database at all."""

import re

import pytest

from app import create_app
from app.extensions import mail
from tests.api.conftest import basic, bearer
from tests.conftest import TEST_CONFIG
from tests.databases import ROOT, migrated_app, server_database


@pytest.fixture(
    params=[
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ]
)
def server_app(request, monkeypatch):
    # Flask-Migrate finds migrations/ relative to the working directory.
    monkeypatch.chdir(ROOT)
    with server_database(request.param) as url, migrated_app(url) as app:
        yield app


def test_api_round_trip(server_app):
    client = server_app.test_client()
    for name in ("susan", "john"):
        account = {"username": name, "email": f"{name}@example.com", "password": "long enough"}
        with mail.record_messages() as outbox:
            assert client.post("/api/users", json=account).status_code == 202
        # Only a confirmed account writes: follow the emailed link.
        link = re.search(r"http://localhost(/auth/confirm/[\w.-]+)", outbox[0].body).group(1)
        assert client.get(link).status_code == 302
    assert client.post("/api/users", json=account).status_code == 400
    token = client.post("/api/tokens", headers=basic("susan", "long enough")).json["token"]
    john = client.post("/api/tokens", headers=basic("john", "long enough")).json["token"]
    response = client.post("/api/posts", json={"body": "from john"}, headers=bearer(john))
    assert response.status_code == 201
    body = "Bonjour à tous, je suis très content d'écrire ici aujourd'hui."
    response = client.post("/api/posts", json={"body": body}, headers=bearer(token))
    assert response.json["language"] == "fr"
    timeline = client.get("/api/timeline", headers=bearer(token)).json
    assert [post["body"] for post in timeline["items"]] == [body]
    assert client.get("/api/users/2147483647", headers=bearer(token)).status_code == 404
    assert client.get("/api/posts/2147483648", headers=bearer(token)).status_code == 404
    page = client.get("/api/users?page=100000&per_page=100", headers=bearer(token)).json
    assert (page["items"], page["_meta"]["total_items"]) == ([], 2)
    assert timeline["_meta"]["total_items"] == 1
    assert client.delete("/api/tokens", headers=bearer(token)).status_code == 204
    assert client.get("/api/timeline", headers=bearer(token)).status_code == 401


def test_database_down_is_a_json_503(tmp_path):
    missing = tmp_path / "no such folder" / "app.db"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = app.test_client().get("/api/users", headers=bearer("any token"))
    assert response.status_code == 503
    assert response.json["error"] == "Service Unavailable"
