"""API fixtures: a user with a bearer token, and headers carrying it."""

import base64

import pytest

from tests.conftest import PASSWORD


def basic(login: str, password: str = PASSWORD) -> dict[str, str]:
    encoded = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def get_token(client):
    """Ask the API for a token with HTTP Basic, as a client would."""

    def get(login: str = "susan", password: str = PASSWORD) -> str:
        response = client.post("/api/tokens", headers=basic(login, password))
        assert response.status_code == 201, response.json
        return response.json["token"]

    return get


@pytest.fixture
def susan(make_user):
    return make_user("susan")


@pytest.fixture
def headers(susan, get_token):
    """Bearer headers for susan."""
    return bearer(get_token("susan"))
