"""Two browsers signed in to one account: one ends the other's session on the sessions page."""

import re

import pytest

from tests.e2e.conftest import Site

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_one_browser_ends_the_others_session(page, browser, server, smtp, locale, t):
    signup = browser.new_context(base_url=server.url, locale="en-US")
    try:
        account = Site(signup.new_page(), smtp).register()
    finally:
        signup.close()

    Site(page, smtp, t).login(account.username)
    other_context = browser.new_context(base_url=server.url, locale=locale)
    try:
        other = other_context.new_page()
        Site(other, smtp, t).login(account.username)
        # The second browser is a device the account never used: its owner is told.
        smtp.wait_for(account.email, t("[Microblog] New sign-in to your account"))

        page.goto("/account/")
        page.get_by_role("link", name=t("Sessions")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Sessions"))
        rows = page.get_by_role("row")
        expect(rows).to_have_count(3)  # the header and two sessions
        expect(page.get_by_text(t("This device"))).to_have_count(1)
        page.get_by_role("button", name=t("End"), exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text(t("The session has ended."))
        expect(page.get_by_role("row")).to_have_count(2)

        # The other browser is logged out on its next page; this one is not.
        other.goto("/explore")
        expect(other).to_have_url(re.compile(r"/auth/login\?next="))
        page.goto("/explore")
        expect(page).to_have_url(re.compile(r"/explore$"))
    finally:
        other_context.close()
