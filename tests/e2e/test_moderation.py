"""Moderation in a real browser, in English and Chinese: a reader reports a post from
Explore, an admin (made with `flask users promote`) hides it from the reports queue."""

import os
import subprocess
import uuid

import pytest

from tests.e2e.conftest import BIN, ROOT, Site

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


def promote(server, username: str) -> None:
    """`flask users promote`, on the e2e server's database (beside its log)."""
    env = {
        **os.environ,
        "FLASK_APP": "microblog.py",
        "DATABASE_URL": f"sqlite:///{server.log.parent / 'e2e.db'}",
        "SECRET_KEY": "promote-only",
        "SERVER_NAME": "127.0.0.1",
        "PREFERRED_URL_SCHEME": "http",
    }
    done = subprocess.run([BIN / "flask", "users", "promote", username], cwd=ROOT, env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_reported_post_is_hidden_by_an_admin(page, site, browser, server, smtp, locale, t):
    signup = browser.new_context(base_url=server.url, locale="en-US")
    body = f"cheap watches {uuid.uuid4().hex[:8]}"
    try:
        signups = Site(signup.new_page(), smtp)
        reporter, admin = signups.register(), signups.register()
        signups.sign_up_and_login()  # the spammer
        signups.write_post(body)
    finally:
        signup.close()
    promote(server, admin.username)

    site.login(reporter.username)
    page.goto("/explore")
    post = page.locator("article.post", has_text=body)
    post.get_by_role("link", name=t("Report")).click()
    page.get_by_label(t("Spam")).check()
    page.get_by_label(t("Anything the admins should know")).fill("ads")
    page.get_by_role("button", name=t("Send report")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        t("Thank you: the admins will look at your report.")
    )
    site.logout()

    site.login(admin.username)
    page.get_by_role("navigation").get_by_role("link", name=t("Reports")).click()
    report = page.locator("section.report", has_text=body)
    expect(report).to_contain_text(t("Spam"))
    report.get_by_role("button", name=t("Hide post")).click()
    expect(page.get_by_role("alert")).to_contain_text(t("The post is hidden."))
    page.goto("/explore")
    hidden = page.locator("article.post", has_text=body)
    expect(hidden).to_contain_text(t("Hidden by a moderator"))
    site.logout()

    site.login(reporter.username)
    page.goto("/explore")
    expect(page.get_by_text(body)).to_have_count(0)
