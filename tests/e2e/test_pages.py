"""What every page gives a browser: local assets that really style it, its language, errors."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# Found rather than named: the folder's locale spelling (zh_CN, zh_Hans_CN) is Babel's business.
ZH_CN_CATALOG = next((ROOT / "app" / "translations").glob("zh*/LC_MESSAGES/messages.po"))
# What an unstyled page computes: Chromium's own button face and a transparent background.
BROWSER_DEFAULT_BACKGROUNDS = {"rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgb(240, 240, 240)"}


def background(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor")


def load_checked(page, path: str, failures: list[str]) -> None:
    """Open `path`, recording every page resource that failed or answered with an error."""
    # Leave the page before first: leaving aborts its requests still in flight (a logged-in
    # page's first notifications poll), which are not failures of `path`.
    page.goto("about:blank")
    # Only requests of `path`: the old page's aborted ones may still be reported after this.
    started: set = set()
    page.on("request", lambda request: started.add(request))
    page.on(
        "requestfailed",
        lambda request: failures.append(f"failed: {request.url}") if request in started else None,
    )
    page.on(
        "response",
        lambda response: (
            failures.append(f"{response.status}: {response.url}")
            if response.status >= 400
            else None
        ),
    )
    page.goto(path)


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register", "/auth/reset_password_request"])
def test_anonymous_pages_are_styled_by_local_bootstrap(page, path):
    failures: list[str] = []
    load_checked(page, path, failures)
    page.wait_for_load_state("networkidle")
    assert failures == []
    assert background(page, ".navbar") not in BROWSER_DEFAULT_BACKGROUNDS
    assert background(page, ".btn-primary") not in BROWSER_DEFAULT_BACKGROUNDS
    # Bootstrap's script ran too (the navbar toggler and popups depend on it).
    assert page.evaluate("typeof window.bootstrap") == "object"


def test_home_page_is_styled_by_local_bootstrap(page, site):
    site.sign_up_and_login()
    failures: list[str] = []
    load_checked(page, "/index", failures)
    page.wait_for_load_state("networkidle")
    assert failures == []
    assert background(page, ".btn-primary") not in BROWSER_DEFAULT_BACKGROUNDS
    assert page.evaluate("typeof window.bootstrap") == "object"


def test_missing_page_is_a_styled_404(page, server):
    response = page.goto("/no/such/page")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert background(page, ".navbar") not in BROWSER_DEFAULT_BACKGROUNDS
    # Somewhere a visitor may go: the front page, which is public.
    page.get_by_role("main").get_by_role("link", name="Home").click()
    expect(page).to_have_url(f"{server.url}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Not found")


def sign_in_in_chinese() -> str:
    with ZH_CN_CATALOG.open("rb") as po:
        message = read_po(po, locale="zh_CN").get("Sign in")
    return message.string if message is not None and not message.fuzzy else ""


@pytest.mark.parametrize("locale", ["zh-CN"])
def test_chinese_browser_sees_chinese(page, locale):
    page.goto("/auth/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    heading = page.get_by_role("heading", level=1)
    translation = sign_in_in_chinese()
    assert translation, f"{ZH_CN_CATALOG.relative_to(ROOT)} has no translation for 'Sign in' yet"
    expect(heading).to_have_text(translation)
    expect(heading).not_to_have_text("Sign in")
