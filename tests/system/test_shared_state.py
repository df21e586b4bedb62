"""State two instances must share: reset tokens (through the database) and rate limit
counts (through Redis), with clients told apart by nginx's X-Forwarded-For. nginx sends
requests to the instances in turn, so a form's GET and POST, and one attempt and the next,
land on different instances."""

import re
import uuid

import pytest

from tests.system.harness import PASSWORD, Client

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]

LOGIN_LIMIT = 5
ACCOUNT_LIMIT = 8
WRONG = "wrong password"


def new_account(stack) -> str:
    username = "s" + uuid.uuid4().hex[:12]
    client = Client(stack.url)
    assert client.register(username).status_code == 302
    client.close()
    return username


def test_reset_link_issued_by_one_instance_works_once_through_the_other(stack):
    a, b = (instance.url for instance in stack.instances)
    username = new_account(stack)
    asking = Client(a)
    response = asking.post("/auth/reset_password_request", {"email": f"{username}@example.com"})
    assert response.status_code == 302

    # The RQ worker sends mail in order: the load test may have left a queue before this one.
    message = stack.inbox.wait_for(f"{username}@example.com", "Reset", timeout=90)
    path = re.search(
        r"https?://[^/\s]+(/auth/reset_password/[\w.-]+)",
        message.get_body(("plain",)).get_content(),
    ).group(1)

    using = Client(b, source=asking.source)
    assert using.get(path).headers["Location"].endswith("/auth/reset_password")
    new_password = "a brand new passphrase"
    response = using.post(
        "/auth/reset_password", {"password": new_password, "password2": new_password}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")

    for base in (a, b):
        again = Client(base)
        assert again.get(path).status_code == 302
        refused = again.get("/auth/reset_password")
        assert refused.status_code == 400
        again.close()
    assert Client(stack.url).login(username, PASSWORD).status_code == 200
    assert Client(stack.url).login(username, new_password).status_code == 302


@pytest.mark.parametrize("route", ["a", "b", "alternate", "nginx", "mixed"])
def test_login_rate_limit_counts_across_instances(stack, route):
    a, b = (instance.url for instance in stack.instances)
    bases = {
        "a": [a],
        "b": [b],
        "alternate": [a, b],
        "nginx": [stack.url],
        "mixed": [a, stack.url, b],
    }[route]
    client = Client(stack.url)
    statuses = [
        client.login("nobody-" + route, "wrong password", base=bases[n % len(bases)]).status_code
        for n in range(LOGIN_LIMIT + 2)
    ]
    assert statuses == [200] * LOGIN_LIMIT + [429, 429]
    for base in (a, b, stack.url):
        assert client.login("nobody", "wrong password", base=base).status_code == 429

    # Another machine behind the same nginx has its own count.
    other = Client(stack.url)
    assert other.login("nobody-else-" + route, "wrong password").status_code == 200


def token_status(client: Client, username: str, password: str = WRONG, base: str | None = None):
    """POST /api/tokens with HTTP Basic credentials: 201, 401 or 429."""
    url = (base or client.base_url) + "/api/tokens"
    return client.session.post(url, auth=(username, password), timeout=client.timeout).status_code


def test_web_logins_and_api_tokens_share_the_address_limit_across_instances(stack):
    client = Client(stack.url)
    statuses = [
        token_status(client, f"nobody-api-{n}")
        if n % 2
        else client.login(f"nobody-web-{n}", WRONG).status_code
        for n in range(LOGIN_LIMIT + 3)
    ]
    assert statuses == [200, 401, 200, 401, 200, 429, 429, 429]


@pytest.mark.parametrize("route", ["nginx", "alternate"])
def test_account_limit_holds_across_instances_for_web_and_api(stack, route):
    """Guesses at one account from many addresses, by web login and API token in turn."""
    a, b = (instance.url for instance in stack.instances)
    bases = {"nginx": [stack.url], "alternate": [a, b]}[route]
    username = new_account(stack)
    statuses = []
    for n in range(ACCOUNT_LIMIT + 4):
        client, base = Client(stack.url), bases[n % len(bases)]  # a new address each time
        if n % 2:
            statuses.append(token_status(client, f"{username}@example.com", base=base))
        else:
            statuses.append(client.login(username.upper(), WRONG, base=base).status_code)
        client.close()
    assert statuses == [200, 401] * (ACCOUNT_LIMIT // 2) + [429] * 4
    # Now the right password waits too, from yet another address, on either instance.
    for base in (a, b):
        assert token_status(Client(stack.url), username, PASSWORD, base=base) == 429
