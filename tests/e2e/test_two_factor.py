"""Two-factor authentication in a real browser, in English and Chinese: turn it on by reading
the key off the page, then log in with a code, and with a recovery code.

Codes are computed here with pyotp from the real clock, as a phone would: a code of a step
after the last one used, which the server's window of one step either side accepts without
waiting for the clock to turn a step.
"""

import re
import time

import pyotp
import pytest

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e

WORDS = {
    "en-US": {"hi": "Hi, {}!", "left": "You have 9 recovery codes left."},
    "zh-CN": {"hi": "你好，{}！", "left": "你还剩 9 个恢复码。"},
}


def enter_code(page, code: str) -> None:
    expect(page).to_have_url(re.compile(r"/two-factor/verify$"))
    page.locator("#code").fill(code)
    with page.expect_navigation():
        page.locator("#submit").click()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_turn_on_then_log_in_with_a_code_and_a_recovery_code(page, site, locale):
    words = WORDS[locale]
    username = site.register().username
    site.login(username)

    page.goto("/account/")
    page.locator("a[href='/two-factor/']").click()
    page.locator("a[href='/two-factor/setup']").click()
    expect(page.locator("img.two-factor-qr")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    used_step = totp.timecode(time.time())
    page.locator("#code").fill(totp.generate_otp(used_step))
    with page.expect_navigation():
        page.locator("#submit").click()
    # Waited for: read at once, the codes of a page still loading were none (a CI failure).
    expect(page.locator(".recovery-codes code")).to_have_count(10)
    codes = page.locator(".recovery-codes code").all_inner_texts()

    site.logout()
    site.submit_login(username)
    # Not signed in yet: the home page sends back to the login page.
    page.goto("/index")
    expect(page).to_have_url(re.compile(r"/auth/login"))
    site.submit_login(username)
    # The step after the enrolment's, or the clock's own once it has moved on.
    step = max(used_step + 1, totp.timecode(time.time()))
    enter_code(page, totp.generate_otp(step))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["hi"].format(username))

    site.logout()
    site.submit_login(username)
    enter_code(page, codes[0])
    expect(page.get_by_role("heading", level=1)).to_have_text(words["hi"].format(username))
    expect(page.get_by_role("alert").filter(has_text=words["left"])).to_be_visible()
