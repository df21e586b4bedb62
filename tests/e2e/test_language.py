"""The navbar's language picker, in a real browser."""

import re

import pytest

from tests.e2e.conftest import Site

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


def choose(page, language: str, button: str) -> None:
    page.get_by_role("navigation").get_by_role("combobox").select_option(label=language)
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("button", name=button).click()


def test_a_user_picks_spanish_and_keeps_it_after_logging_out_and_in(page, site, browser, server):
    account = site.sign_up_and_login()
    page.goto("/explore")
    choose(page, "Español", "Change")
    expect(page).to_have_url(re.compile(r"/explore$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("navigation").get_by_role("link", name="Explorar")).to_be_visible()
    expect(page.get_by_label("Idioma")).to_have_value("es")

    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url("**/auth/login**")
    expect(page.get_by_role("alert")).to_have_text("Has cerrado la sesión.")

    # Another browser, English and without this one's cookie: the account brings Spanish.
    context = browser.new_context(base_url=server.url, locale="en-US")
    try:
        other = context.new_page()
        Site(other, site.inbox).login(account.username)
        expect(other).to_have_url(re.compile(r"/index$|/$"))
        expect(other.locator("html")).to_have_attribute("lang", "es")
        expect(other.get_by_role("heading", level=1)).to_have_text(f"¡Hola, {account.username}!")
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["zh-CN"])
def test_a_chinese_visitor_gets_chinese_and_can_pick_english(page, locale):
    page.goto("/auth/register")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_label("语言")).to_have_value("zh_CN")
    choose(page, "English", "切换")
    expect(page).to_have_url(re.compile(r"/auth/register$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/auth/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
