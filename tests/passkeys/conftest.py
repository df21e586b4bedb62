"""Fixtures for passkeys: a software authenticator, and the ceremonies done through the
routes as the browser's script does them."""

import pytest

from tests.passkeys.authenticator import Authenticator


class Passkeys:
    def __init__(self, client):
        self.client = client

    def register(self, authenticator: Authenticator, name: str = "Laptop", **create):
        options = self.client.post("/passkeys/register/options").get_json()
        credential = authenticator.create(options, **create)
        return self.client.post("/passkeys/register", json={"credential": credential, "name": name})

    def login(self, authenticator: Authenticator, **body):
        options = self.client.post("/passkeys/login/options").get_json()
        credential = authenticator.get(options)
        return self.client.post("/passkeys/login", json={"credential": credential, **body})


@pytest.fixture
def passkeys(client):
    return Passkeys(client)


@pytest.fixture
def authenticator():
    return Authenticator()
