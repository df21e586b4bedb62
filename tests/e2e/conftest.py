"""End-to-end fixtures: the app under gunicorn on a fresh SQLite file, a real SMTP server
(aiosmtpd) that collects what the app sends, and a real headless Chromium driven by Playwright.

One server, one SMTP server and one browser per xdist worker; one browser context per test.
"""

import fcntl
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from tests.conftest import CHROMIUM, sync_playwright
from tests.mailbox import Inbox, smtp_server

try:
    from aiosmtpd.controller import Controller
except ImportError:
    Controller = None

ROOT = Path(__file__).resolve().parents[2]
ZH_CN_CATALOG = next((ROOT / "app" / "translations").glob("zh*/LC_MESSAGES/messages.po"))
BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery"
LOCAL_HOST = "127.0.0.1"
# The names of this machine a page may load from (start_server's host).
LOCAL_NAMES = {LOCAL_HOST, "localhost"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        default=False,
        help="save a screenshot of every e2e page into test-artifacts/screenshots/",
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep each phase's report on the item, so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def missing_requirement() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed (pip install -r requirements-test.txt)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if Controller is None:
        return "aiosmtpd is not installed (pip install -r requirements-test.txt)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCAL_HOST, 0))
        return sock.getsockname()[1]


def unique_name(prefix: str = "u") -> str:
    """A username nobody else on this worker's database has."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def smtp():
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)
    port = free_port()
    with smtp_server(port, LOCAL_HOST) as inbox:
        inbox.port = port
        yield inbox


@dataclass
class Server:
    url: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def compile_translations(lock_dir: Path) -> None:
    # xdist workers each start a server: let one compile the catalogs at a time,
    # so no server reads a .mo file that another worker is half-way through writing.
    with open(lock_dir / "e2e-translations.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run_flask(
            ["translate", "compile"],
            {**os.environ, "FLASK_APP": "microblog.py", "SECRET_KEY": "compile-only"},
        )


def run_flask(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([BIN / "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def wait_until_answering(process: subprocess.Popen, url: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    return False


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_server(smtp, tmp_path_factory, host: str = LOCAL_HOST):
    """The app, not in testing mode, under gunicorn on a fresh SQLite file, its SERVER_NAME
    on `host` (`localhost` for WebAuthn, which refuses an IP address as the site's name)."""
    workdir = tmp_path_factory.mktemp("e2e-server")
    env = {
        **os.environ,
        "FLASK_APP": "microblog.py",
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.db'}",
        "MEDIA_FOLDER": str(workdir / "media"),
        "SECRET_KEY": uuid.uuid4().hex,
        "MAIL_SERVER": LOCAL_HOST,
        "MAIL_PORT": str(smtp.port),
        "RATELIMIT_ENABLED": "0",
        "POSTS_PER_PAGE": "3",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "8192",
        "ARGON2_PARALLELISM": "1",
        "LOG_TO_STDOUT": "1",
    }
    env.pop("FLASK_DEBUG", None)
    compile_translations(tmp_path_factory.getbasetemp().parent)
    run_flask(["db", "upgrade"], env)

    log = workdir / "gunicorn.log"
    # Another worker may take the free port before gunicorn binds it: try a few.
    for _attempt in range(3):
        port = free_port()
        url = f"http://{host}:{port}"
        env.update(SERVER_NAME=f"{host}:{port}", PREFERRED_URL_SCHEME="http")
        with open(log, "ab") as output:
            process = subprocess.Popen(
                [BIN / "gunicorn", "-w", "2", "-b", f"{LOCAL_HOST}:{port}", "microblog:app"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        if wait_until_answering(process, f"{url}/auth/login"):
            break
        stop(process)
    else:
        pytest.fail(f"gunicorn did not start:\n{Server(url, log).log_tail()}")
    yield Server(url=url, log=log)
    stop(process)


@pytest.fixture(scope="session")
def server(smtp, tmp_path_factory):
    """The app, not in testing mode, under gunicorn on a fresh SQLite file."""
    yield from start_server(smtp, tmp_path_factory)


@pytest.fixture(scope="session")
def browser(request):
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)
    return request.getfixturevalue("chromium")


@pytest.fixture
def locale() -> str:
    """The browser's language; parametrize a test with another to change it."""
    return "en-US"


@pytest.fixture
def t(locale):
    """The page's text for an English message, in the browser's language."""
    if not locale.startswith("zh"):
        return lambda message: message
    with ZH_CN_CATALOG.open("rb") as po:
        catalog = read_po(po, locale="zh_CN")

    def translate(message: str) -> str:
        entry = catalog.get(message)
        assert entry is not None and entry.string and not entry.fuzzy, message
        return entry.string

    return translate


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_NAMES


@pytest.fixture
def page(browser, server, locale, request):
    """A fresh browser context and page; fails the test on any request leaving 127.0.0.1,
    on an uncaught script error, or on a Content Security Policy violation."""
    context = browser.new_context(base_url=server.url, locale=locale)
    context.set_default_timeout(10_000)
    # A page and its files from two sync workers: a loaded machine took over 10 s to "load".
    context.set_default_navigation_timeout(30_000)
    offsite: list[str] = []
    problems: list[str] = []

    def guard(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort("blockedbyclient")

    def watch(new_page) -> None:
        new_page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        new_page.on(
            "console",
            lambda message: (
                problems.append(f"console: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    context.route("**/*", guard)
    context.on("page", watch)
    page = context.new_page()
    yield page

    node = request.node
    failed = any(
        getattr(node, f"rep_{when}", None) and getattr(node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    wanted = request.config.getoption("--screenshots", default=False)
    if failed or offsite or problems or wanted:
        save_screenshots(context, node, request.config.rootpath)
    context.close()
    assert offsite == [], f"requests left {LOCAL_HOST}: {offsite}"
    assert problems == [], "\n".join(problems)


def save_screenshots(context, node: pytest.Item, rootpath: Path) -> None:
    folder = rootpath / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", node.nodeid)
    for number, open_page in enumerate(context.pages):
        open_page.screenshot(path=folder / f"{stem}-{number}.png", full_page=True)


@dataclass
class Account:
    username: str
    email: str
    password: str = PASSWORD


class Site:
    """The journeys every test starts from, done as a person does them: through the pages,
    in the page's language (`t` translates the English labels; none: English)."""

    def __init__(self, page, inbox: Inbox, t: Callable[[str], str] | None = None) -> None:
        self.page = page
        self.inbox = inbox
        self.t = t or (lambda message: message)

    def register(
        self, username: str | None = None, email: str | None = None, confirm: bool = True
    ) -> Account:
        """Sign up through the form and, unless told not to, follow the emailed link that
        confirms the address (only a confirmed account may post, message or follow)."""
        username = username or unique_name()
        account = Account(username, email or f"{username}@example.com")
        page, t = self.page, self.t
        page.goto("/auth/register")
        page.get_by_label(t("Username"), exact=True).fill(account.username)
        page.get_by_label(t("Email"), exact=True).fill(account.email)
        page.get_by_label(t("Password"), exact=True).fill(account.password)
        page.get_by_label(t("Confirm password"), exact=True).fill(account.password)
        page.get_by_role("button", name=t("Register")).click()
        page.wait_for_url("**/auth/login")
        if confirm:
            self.confirm(account)
        return account

    def confirmation_link(self, account: Account) -> str:
        """The link in the welcome email, the first the account's address receives."""
        message = self.inbox.wait_for(account.email, "[Microblog]")
        body = message.get_body(("plain",)).get_content()
        return re.search(r"http://\S+/auth/confirm/\S+", body).group(0)

    def confirm(self, account: Account) -> None:
        self.page.goto(self.confirmation_link(account))
        self.page.wait_for_load_state()

    def login(self, username: str, password: str = PASSWORD) -> None:
        """Sign in through the form; fails here, with what the page said, if it refused."""
        self.submit_login(username, password)
        if urlsplit(self.page.url).path == "/auth/login":
            said = self.page.locator("main").inner_text()
            pytest.fail(f"{username} was not signed in: {self.page.url} says\n{said}")

    def submit_login(self, username: str, password: str = PASSWORD) -> None:
        """Fill in and send the login form, and wait for its answer, whatever it is."""
        page, t = self.page, self.t
        page.goto("/auth/login")
        page.get_by_label(t("Username or email"), exact=True).fill(username)
        page.get_by_label(t("Password"), exact=True).fill(password)
        # Waits for the form's own navigation: a later goto() would otherwise cancel it.
        with page.expect_navigation():
            page.get_by_role("button", name=t("Sign in"), exact=True).click()

    def write_post(self, body: str) -> None:
        """Post from the home page, and wait for its answer: a click or goto() before it
        arrives would cancel the form's navigation, and the post with it."""
        page, t = self.page, self.t
        page.goto("/index")
        page.get_by_label(t("Say something")).fill(body)
        page.get_by_role("button", name=t("Submit")).click()
        page.get_by_role("alert").filter(has_text=t("Your post is now live!")).wait_for()

    def logout(self) -> None:
        self.page.get_by_role("button", name=self.t("Logout")).click()
        self.page.wait_for_url("**/auth/login**")

    def sign_up_and_login(self) -> Account:
        account = self.register()
        self.login(account.username, account.password)
        return account


@pytest.fixture
def site(page, smtp, t) -> Site:
    return Site(page, smtp, t)
