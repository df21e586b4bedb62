"""Rate limits (app/rate_limits.py, app/limit_storage.py): one count per instance whatever the
number of workers, per client address and per account, shared by the web forms and the API.

Most tests run the app as production does, under gunicorn with three workers, on a fresh
SQLite database and the default storage kind (a SQLite file of its own). Client addresses come
from X-Forwarded-For (TRUSTED_PROXIES=1), so each test has addresses nobody else used.
"""

import itertools
import logging
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, TEST_CONFIG, add_user
from tests.serving import gunicorn
from tests.system.harness import CSRF_RE

WORKERS = 3
ADDRESS_LIMIT = 10
ACCOUNT_LIMIT = 6
ATTEMPTS = 25
WRONG = "a wrong password"

_addresses = (f"10.{n // 62500}.{n // 250 % 250}.{n % 250 + 1}" for n in itertools.count(1))


@dataclass
class Server:
    url: str

    def visitor(self, address: str | None = None) -> "Visitor":
        return Visitor(self.url, address or next(_addresses))


class Visitor:
    """A browser at one client address: its own cookies, CSRF tokens read off the forms.

    Every request opens a new connection, so gunicorn hands them to any of its workers.
    """

    def __init__(self, url: str, address: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-For": address, "Connection": "close"})

    def submit(self, path: str, data: dict) -> requests.Response:
        page = self.session.get(self.url + path, allow_redirects=False, timeout=30)
        assert page.status_code == 200, page.text
        token = CSRF_RE.search(page.text).group(1)
        return self.session.post(
            self.url + path, data={"csrf_token": token, **data}, allow_redirects=False, timeout=30
        )

    def login(self, username: str, password: str = WRONG) -> int:
        return self.submit("/auth/login", {"username": username, "password": password}).status_code

    def token(self, username: str, password: str = WRONG) -> int:
        response = self.session.post(
            self.url + "/api/tokens", auth=(username, password), timeout=30
        )
        return response.status_code

    def change_password(self, current: str = WRONG) -> int:
        data = {"current_password": current, "password": "new pass phrase", "password2": ""}
        data["password2"] = data["password"]
        return self.submit("/auth/change_password", data).status_code


def add_accounts(database_url: str) -> None:
    """Accounts made in-process, with the server's hash settings (TEST_CONFIG's are the same)."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    for name in ("alice", "bob", "carol", "dave", "erin", "frank", "grace"):
        add_user(app, name)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app under `gunicorn -w 3` on a migrated SQLite file, with a few accounts."""
    folder = tmp_path_factory.mktemp("rate-limits")
    settings = {
        # The default storage kind, in this test's folder rather than the instance folder.
        "RATELIMIT_STORAGE_URI": f"sqlite:///{folder / 'rate-limits.db'}",
        "RATELIMIT_ENABLED": "1",
        "LOGIN_RATE_LIMIT": f"{ADDRESS_LIMIT} per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": f"{ACCOUNT_LIMIT} per minute",
        "TRUSTED_PROXIES": "1",
    }
    with gunicorn(folder, workers=WORKERS, prepare=add_accounts, **settings) as url:
        yield Server(url)


# One server for the module under pytest-xdist.
pytestmark = pytest.mark.xdist_group("rate-limits")


def tally(statuses: list[int]) -> dict[int, int]:
    return {status: statuses.count(status) for status in sorted(set(statuses))}


def test_wrong_logins_from_one_address_stop_at_the_limit_across_workers(server):
    visitor = server.visitor()
    statuses = [visitor.login(f"nobody-{n}") for n in range(ATTEMPTS)]
    # Ten answers of "Invalid username or password", then refusals, whichever worker answered.
    assert statuses == [200] * ADDRESS_LIMIT + [429] * (ATTEMPTS - ADDRESS_LIMIT)


def test_guesses_at_one_account_stop_at_its_limit_from_any_address(server):
    # By username or by email, in any case: one account, one count.
    names = itertools.cycle(["alice", "ALICE", "alice@example.com", " Alice@Example.COM"])
    statuses = [server.visitor().login(next(names)) for _ in range(ATTEMPTS)]
    assert statuses == [200] * ACCOUNT_LIMIT + [429] * (ATTEMPTS - ACCOUNT_LIMIT)
    # The right password too, from an address that never tried: the account waits its minute.
    assert server.visitor().login("alice", PASSWORD) == 429
    assert server.visitor().login("bob", PASSWORD) == 302


def test_api_tokens_and_web_login_share_the_account_limit(server):
    statuses = [
        server.visitor().token("carol") if n % 2 else server.visitor().login("carol")
        for n in range(ATTEMPTS)
    ]
    # Web answers 200 (the form again), the API 401, until the account's count is spent.
    assert tally(statuses) == {200: 3, 401: 3, 429: ATTEMPTS - ACCOUNT_LIMIT}
    assert statuses[ACCOUNT_LIMIT:] == [429] * (ATTEMPTS - ACCOUNT_LIMIT)
    assert server.visitor().token("carol", PASSWORD) == 429


def test_api_tokens_and_web_login_share_the_address_limit(server):
    visitor = server.visitor()
    statuses = [
        visitor.token(f"nobody-{n}") if n % 2 else visitor.login(f"nobody-{n}")
        for n in range(ATTEMPTS)
    ]
    assert tally(statuses) == {200: 5, 401: 5, 429: ATTEMPTS - ADDRESS_LIMIT}
    assert statuses[ADDRESS_LIMIT:] == [429] * (ATTEMPTS - ADDRESS_LIMIT)


def test_wrong_current_passwords_count_against_the_account(server):
    dave = server.visitor()
    assert dave.login("dave", PASSWORD) == 302  # the account's first count
    # A stolen session guessing the current password, from a new address each time.
    statuses = []
    for _ in range(ATTEMPTS):
        dave.session.headers["X-Forwarded-For"] = next(_addresses)
        statuses.append(dave.change_password())
    allowed = ACCOUNT_LIMIT - 1
    assert statuses == [200] * allowed + [429] * (ATTEMPTS - allowed)
    assert server.visitor().login("dave", PASSWORD) == 429


def test_wrong_current_passwords_count_against_the_address(server):
    sessions = [server.visitor() for _ in range(3)]
    for name, visitor in zip(["erin", "frank", "grace"], sessions, strict=True):
        assert visitor.login(name, PASSWORD) == 302
    address = next(_addresses)
    for visitor in sessions:
        visitor.session.headers["X-Forwarded-For"] = address
    statuses = [sessions[n % 3].change_password() for n in range(ATTEMPTS)]
    assert statuses == [200] * ADDRESS_LIMIT + [429] * (ATTEMPTS - ADDRESS_LIMIT)


# --- In one process: registration and reset requests, web and API --------------------------


def at(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def register(client, username: str, email: str | None = None, api: bool = False) -> int:
    values = {"username": username, "email": email or f"{username}@example.com"}
    values |= {"password": "long enough", "password2": "long enough"}
    if api:
        return client.post("/api/users", json=values).status_code
    return client.post("/auth/register", data=values).status_code


def test_registrations_count_per_address_across_web_and_api(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [register(client, f"user{n}", api=n % 2 == 1) for n in range(5)]
    assert statuses == [302, 202, 302, 429, 429]


@pytest.mark.parametrize("field", ["username", "email"])
def test_registrations_count_per_name_and_email_from_any_address(make_app, field):
    app = make_app(RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="3 per minute")
    statuses = []
    for n in range(5):
        client = at(app.test_client(), f"10.0.0.{n + 1}")
        # The same name (or address) each time, in other cases and forms, web and API.
        username = f"Claimed{n}" if field == "email" else ["claimed", "CLAIMED", "Ｃlaimed"][n % 3]
        email = ["x@example.com", "X@EXAMPLE.COM "][n % 2] if field == "email" else None
        statuses.append(register(client, username, email, api=n % 2 == 1))
    assert statuses[3:] == [429, 429]
    assert 429 not in statuses[:3]


def test_reset_requests_count_per_email_from_any_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RESET_RATE_LIMIT="3 per minute")
    statuses = [
        at(app.test_client(), f"10.0.1.{n + 1}")
        .post(
            "/auth/reset_password_request",
            data={"email": ["amy@example.com", "AMY@example.com"][n % 2]},
        )
        .status_code
        for n in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    other = at(app.test_client(), "10.0.1.9")
    assert (
        other.post("/auth/reset_password_request", data={"email": "bo@example.com"}).status_code
        == 302
    )


def test_a_database_outage_is_not_taken_for_the_counters(caplog):
    """The per-account key looks the account up: a database that is down answers 503, and
    the limits keep counting in their own storage (Flask-Limiter would switch to memory)."""
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-folder/app.db",
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "1 per minute",
        }
    )
    client = app.test_client()
    data = {"username": "nobody", "password": WRONG}
    with caplog.at_level(logging.WARNING):
        assert client.post("/auth/login", data=data).status_code == 503
        assert client.post("/auth/login", data=data).status_code == 429
    assert "falling back to in-memory storage" not in caplog.text


def test_email_changes_through_the_api_count_per_account_from_any_address(make_app):
    """Each answer says whether an address has an account: probing is limited like sign-ups."""
    app = make_app(RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="3 per minute")
    add_user(app)
    with app.app_context():
        user = db.session.scalar(select(User))
        user_id, token = user.id, user.get_token()
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    statuses = [
        at(app.test_client(), f"10.0.2.{n + 1}")
        .put(f"/api/users/{user_id}", json={"email": f"probe{n}@example.com"}, headers=headers)
        .status_code
        for n in range(5)
    ]
    # A new address is refused (it is changed on the site, /account/email); still counted.
    assert statuses == [400, 400, 400, 429, 429]
