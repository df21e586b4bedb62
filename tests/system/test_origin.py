"""A reset requested with a forged Host, through nginx or straight at an instance, never
yields a link to another site: links come from SERVER_NAME (nginx's address here)."""

import re

import pytest
import requests

from tests.system.harness import Client
from tests.system.test_shared_state import new_account

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]

FORGED = "evil.example"
LINK = re.compile(r"https?://([^/\s\"]+)/auth/reset_password/")


def ask_for_reset(client: Client, base: str, email: str, **headers: str) -> requests.Response:
    page = client.get("/auth/reset_password_request", base=base)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    return client.session.post(
        f"{base}/auth/reset_password_request",
        data={"csrf_token": token, "email": email},
        headers=headers,
        allow_redirects=False,
        timeout=client.timeout,
    )


def test_nginx_drops_a_request_for_another_host(stack):
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stack.url}/auth/login", headers={"Host": FORGED}, timeout=15)


def test_an_instance_refuses_another_host(stack):
    instance = stack.instances[0].url
    response = requests.get(f"{instance}/auth/login", headers={"Host": FORGED}, timeout=15)
    assert response.status_code == 400


def test_reset_links_name_the_site_whatever_the_request_said(stack):
    username = new_account(stack)
    email = f"{username}@example.com"
    client = Client(stack.url)
    with pytest.raises(requests.ConnectionError):
        ask_for_reset(client, stack.url, email, Host=FORGED)
    assert ask_for_reset(client, stack.instances[1].url, email, Host=FORGED).status_code == 400
    # nginx sets X-Forwarded-Host itself, so a forged one never reaches the app.
    response = ask_for_reset(client, stack.url, email, **{"X-Forwarded-Host": FORGED})
    assert response.status_code == 302

    message = stack.inbox.wait_for(email, "Reset", timeout=90)
    body = message.get_body(("plain",)).get_content()
    assert LINK.findall(body) == [stack.url.removeprefix("http://")]
    received = [m for m in stack.inbox.messages if FORGED in m.as_string()]
    assert received == []
