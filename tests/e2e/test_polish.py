"""Issue 17's polish in a real browser: the visitors' front page, the colour theme picked
in the navbar and painted by the server, and conversations, in English and Chinese."""

import re
import uuid

import pytest

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e

DARK_BODY = "rgb(33, 37, 41)"  # Bootstrap's --bs-body-bg in the dark theme
LIGHT_BODY = "rgb(255, 255, 255)"


def expect_body_background(page, colour: str) -> None:
    # Retried: a click's new page can be read before its stylesheet has applied.
    expect(page.locator("body")).to_have_css("background-color", colour)


@pytest.mark.parametrize(
    ("language", "welcome", "sign_up"),
    [("en", "Welcome to Microblog", "Sign up"), ("zh_CN", "欢迎来到微博客", "注册")],
)
def test_visitors_see_what_the_site_is_and_the_newest_posts(
    page, site, server, language, welcome, sign_up
):
    site.sign_up_and_login()
    body = f"front {uuid.uuid4().hex[:8]}"
    site.write_post(body)
    site.logout()
    page.context.add_cookies([{"name": "language", "value": language, "url": server.url}])
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/$"))  # no bounce to the login page
    expect(page.get_by_role("heading", level=1)).to_have_text(welcome)
    expect(page.locator(".post-body").first).to_have_text(body)
    page.get_by_role("main").get_by_role("link", name=sign_up, exact=True).click()
    expect(page).to_have_url(re.compile(r"/auth/register$"))


def test_the_theme_follows_the_system_until_picked_and_needs_no_script(page, browser, server):
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "auto")
    expect_body_background(page, DARK_BODY)
    page.emulate_media(color_scheme="light")
    expect_body_background(page, LIGHT_BODY)

    page.get_by_role("navigation").get_by_role("button", name="Dark").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    expect(page.get_by_role("button", name="Dark")).to_have_attribute("aria-pressed", "true")
    expect_body_background(page, DARK_BODY)  # though the system is light

    # The first paint: the server's HTML already says dark, and a browser running no script
    # at all paints it so.
    cookies = page.context.cookies()
    quiet = browser.new_context(
        base_url=server.url, java_script_enabled=False, color_scheme="light"
    )
    try:
        quiet.add_cookies(cookies)
        first = quiet.new_page()
        response = first.goto("/auth/login")
        assert '<html lang="en" data-bs-theme="dark">' in response.text()
        expect_body_background(first, DARK_BODY)
    finally:
        quiet.close()

    page.get_by_role("button", name="Light").click()
    page.emulate_media(color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    expect_body_background(page, LIGHT_BODY)  # though the system is dark


def test_a_signed_in_pick_follows_the_user_to_another_device(page, site, browser, server, smtp):
    account = site.sign_up_and_login()
    page.get_by_role("navigation").get_by_role("button", name="Dark").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")

    # Another browser, no cookie: the system's theme until she signs in, then hers.
    phone = browser.new_context(base_url=server.url, color_scheme="light")
    try:
        other = phone.new_page()
        other.goto("/auth/login")
        expect(other.locator("html")).to_have_attribute("data-bs-theme", "auto")
        other_site = type(site)(other, smtp)
        other_site.login(account.username)
        expect(other.locator("html")).to_have_attribute("data-bs-theme", "dark")
        expect_body_background(other, DARK_BODY)
        # Signed out, this browser is a visitor's again: its own (system) theme.
        other_site.logout()
        expect(other.locator("html")).to_have_attribute("data-bs-theme", "auto")
    finally:
        phone.close()


@pytest.mark.parametrize(
    ("language", "tab", "you_said", "to"),
    [("en", "Conversations", "You said", "To "), ("zh_CN", "对话", "你发表于", "发给 ")],
)
def test_a_conversation_with_one_correspondent(
    page, site, browser, server, language, tab, you_said, to
):
    writer = site.sign_up_and_login()
    site.logout()
    reader = site.sign_up_and_login()
    hello = f"hello {uuid.uuid4().hex[:6]}"
    reply = f"reply {uuid.uuid4().hex[:6]}"

    # The reader writes first, then the writer answers from their own browser.
    page.goto(f"/send_message/{writer.username}")
    page.get_by_label("Message").fill(hello)
    page.get_by_role("button", name="Send").click()
    # Sent before the answer is written, or the two could arrive the other way round.
    expect(page.get_by_role("alert")).to_contain_text("Your message has been sent.")
    other = browser.new_context(base_url=server.url)
    try:
        writer_site = type(site)(other.new_page(), site.inbox)
        writer_site.login(writer.username)
        writer_site.page.goto(f"/send_message/{reader.username}")
        writer_site.page.get_by_label("Message").fill(reply)
        writer_site.page.get_by_role("button", name="Send").click()
        expect(writer_site.page.get_by_role("alert")).to_contain_text("Your message has been sent.")
    finally:
        other.close()

    page.context.add_cookies([{"name": "language", "value": language, "url": server.url}])
    page.goto("/messages")
    page.get_by_role("main").get_by_role("link", name=tab, exact=True).click()
    # On its page first: the received list, still shown, links the writer's name to a profile.
    expect(page).to_have_url(re.compile(r"/messages/conversations$"))
    page.get_by_role("link", name=writer.username, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/messages/with/{writer.username}$"))
    expect(page.locator(".message-body")).to_have_text([reply, hello])
    expect(page.locator(".message-mine")).to_contain_text(you_said)
    page.goto("/messages/sent")
    expect(page.locator(".message")).to_contain_text(to + writer.username)
