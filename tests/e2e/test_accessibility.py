"""Every page, at a desktop's and a phone's size and in every language, as axe-core judges it:
no violations, no console errors, nothing fetched from another host (the page fixture's guard).

axe-core comes from the npm registry at the version package-lock.json pins, installed into
node_modules by `npm ci` (make test); nothing is fetched while the tests run. With
`--screenshots` each page is saved into docs/screenshots/ (README: Screenshots).
"""

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import Account, Site

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LOCALES = ["en-US", "es-ES", "zh-CN"]
# The light theme, the dark one picked in the navbar (its cookie), and the system's dark
# setting followed by "System" (color-modes.css, under prefers-color-scheme: dark).
THEMES = ["light", "dark", "system-dark"]
# WCAG 2.5.5 (AAA): 44 × 44 CSS pixels for anything a finger taps.
TAP_TARGET = 44


@dataclass
class People:
    me: Account
    other: Account
    cookies: list


def axe_script() -> Path:
    """axe-core's file; a clear failure when `npm ci` has not run (make test runs it)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` in {ROOT} (make test does)")
    return AXE


def post(page, body: str) -> None:
    page.goto("/index")
    page.locator("textarea[name=post]").fill(body)
    # The post form's button: a new user's empty home also offers Follow buttons.
    with page.expect_navigation():
        page.locator("main form:has(textarea[name=post]) [name=submit]").click()


@pytest.fixture(scope="module")
def people(browser, server, smtp) -> People:
    """Two confirmed people who follow each other, with posts and a message; `cookies` keep
    the first one signed in."""
    context = browser.new_context(base_url=server.url, locale="en-US")
    page = context.new_page()
    site = Site(page, smtp)
    other = site.sign_up_and_login()
    post(page, "Bare domains are links: www.example.com/page")
    post(page, "今天天气很好，我们去公园散步吧。Flask is fun.")
    site.logout()
    me = site.sign_up_and_login()
    page.goto("/edit_profile")
    page.get_by_label("About me").fill("Reading everything, writing a little.")
    # Each form's navigation waited for: the next goto() or click would cancel it.
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    post(page, "Hello from an accessible microblog")
    page.goto(f"/user/{other.username}")
    with page.expect_navigation():
        page.get_by_role("button", name="Follow", exact=True).click()
    site.logout()
    site.login(other.username)
    page.goto(f"/send_message/{me.username}")
    page.get_by_label("Message").fill("Welcome aboard")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    site.logout()
    site.login(me.username)
    cookies = context.cookies()
    context.close()
    return People(me, other, cookies)


def has_cjk_font() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (Chromium draws boxes without)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def check_cjk_font(locale: str) -> None:
    """Chinese screenshots with boxes for glyphs are worse than none: fail, saying why."""
    if locale.startswith("zh") and not has_cjk_font():
        pytest.fail(
            "no CJK font for Chinese screenshots: apt-get install fonts-wqy-microhei "
            "(make screenshots and .ci/run install it)"
        )


class Walk:
    """Opens pages, checks each with axe-core and gathers the console's errors."""

    def __init__(self, page, size: str, locale: str, screenshots: bool, theme: str) -> None:
        self.page = page
        self.name = f"{locale}-{size}"
        # docs/screenshots/ shows the light theme; the dark ones are checked, not kept.
        self.screenshots = screenshots and theme == "light"
        if self.screenshots:
            check_cjk_font(locale)
        self.problems: list[str] = []
        self.expected_404 = ""
        page.on("console", self.console)
        # Not add_script_tag: the pages' CSP blocks inline scripts, and bypassing it would hide
        # the CSP violations the page fixture fails on. An init script runs outside the CSP.
        page.context.add_init_script(path=axe_script())

    def console(self, message) -> None:
        # The 404 page's own status is reported as a failed resource: that one is expected.
        if message.type == "error" and not (
            self.expected_404 and message.location.get("url") == self.expected_404
        ):
            self.problems.append(f"{self.page.url}: console: {message.text}")

    def open(self, path: str, name: str) -> None:
        self.page.goto(path)
        self.page.wait_for_load_state("load")
        # The messages page marks them read as it opens, then drops its button: judged after.
        expect(self.page.locator("#mark-messages-read")).to_have_count(0)
        self.check(name)

    def check(self, name: str) -> None:
        page = self.page
        results = page.evaluate("async () => JSON.stringify(await axe.run(document))")
        for violation in json.loads(results)["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            self.problems.append(
                f"{name} ({page.url}): {violation['id']} ({violation['impact']}): {targets[:5]}"
            )
        if self.screenshots:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{self.name}-{name}.png")


def use_theme(page, server, theme: str) -> None:
    """Show the site in `theme` (a THEMES value) for the rest of the page's life."""
    if theme == "system-dark":
        page.emulate_media(color_scheme="dark")
    else:
        page.context.add_cookies([{"name": "theme", "value": theme, "url": server.url}])


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_passes_axe(page, server, people, size, locale, theme, request):
    page.set_viewport_size(SIZES[size])
    use_theme(page, server, theme)
    walk = Walk(page, size, locale, request.config.getoption("--screenshots"), theme)

    walk.open("/auth/login", "login")
    walk.open("/auth/register", "register")
    walk.open("/auth/reset_password_request", "reset-request")
    walk.expected_404 = f"{server.url}/no/such/page"
    walk.open("/no/such/page", "not-found")

    page.context.add_cookies(people.cookies)
    walk.open("/index", "index")
    walk.open("/explore", "explore")
    walk.open(f"/user/{people.me.username}", "profile-own")
    walk.open(f"/user/{people.other.username}", "profile-other")
    walk.open("/edit_profile", "edit-profile")
    walk.open("/account/", "account-settings")
    walk.open(f"/send_message/{people.other.username}", "send-message")
    walk.open("/messages", "messages")
    walk.open("/search?q=microblog", "search")
    walk.open("/no/such/page", "not-found-member")

    page.goto("/explore")
    page.wait_for_load_state("load")
    name = page.locator("article.post a.user-popup", has_text=people.other.username).first
    name.focus()
    popup = page.locator(".popover")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text(people.other.username)
    # Judged once faded in: half-way, its text is too faint to read (and to pass).
    expect(popup).to_have_css("opacity", "1")
    walk.check("popup")

    assert walk.problems == [], "\n".join(walk.problems)


@pytest.mark.parametrize("path", ["/explore", "me", "other"])
def test_phone_tap_targets_are_44_pixels(page, people, path):
    page.set_viewport_size(SIZES["phone"])
    page.context.add_cookies(people.cookies)
    path = {"me": f"/user/{people.me.username}", "other": f"/user/{people.other.username}"}.get(
        path, path
    )
    page.goto(path)
    targets = page.locator(
        ".profile-actions .btn, article.post a.user-popup, article.post a:has(img.avatar)"
    )
    expect(targets.first).to_be_visible()
    small = []
    for number in range(targets.count()):
        target = targets.nth(number)
        box = target.bounding_box()
        if box["width"] < TAP_TARGET or box["height"] < TAP_TARGET:
            small.append(f"{target.evaluate('e => e.outerHTML')[:80]}: {box}")
    assert small == []


def test_chinese_screenshots_without_a_cjk_font_fail_clearly(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="fonts-wqy-microhei"):
        check_cjk_font("zh-CN")
    check_cjk_font("en-US")  # English needs none


def test_missing_node_modules_fail_clearly(monkeypatch, tmp_path):
    monkeypatch.setattr(f"{__name__}.AXE", tmp_path / "axe.min.js")
    with pytest.raises(pytest.fail.Exception, match=re.escape("run `npm ci`")):
        axe_script()
