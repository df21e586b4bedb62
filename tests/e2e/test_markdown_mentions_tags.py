"""Issue 19 §1–2 in a real browser, in English and Chinese: a Markdown post with a mention and
a tag, previewed then posted; its tag's page; the mentioned user's notification."""

import re
import uuid
from urllib.parse import quote

import pytest

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_markdown_post_with_a_mention_and_a_tag(page, site, locale, t):
    mary = site.register()
    john = site.sign_up_and_login()
    tag = ("学习" if locale == "zh-CN" else "Flask") + uuid.uuid4().hex[:6]
    body = f"**hello** @{mary.username} #{tag} `@{john.username} #code`"

    page.goto("/index")
    page.locator("textarea#post").fill(body)
    page.get_by_role("button", name=t("Preview"), exact=True).click()
    preview = page.locator("section.post-preview")
    expect(preview.locator("strong")).to_have_text("hello")
    expect(preview.get_by_role("link", name=f"@{mary.username}")).to_be_visible()
    expect(preview.locator("code")).to_have_text(f"@{john.username} #code")
    expect(page.locator("textarea#post")).to_have_value(body)

    page.get_by_role("button", name=t("Submit"), exact=True).click()
    expect(page.get_by_text(t("Your post is now live!"))).to_be_visible()
    post = page.locator("article.post").first
    expect(post.locator(".post-body strong")).to_have_text("hello")
    post.get_by_role("link", name=f"#{tag}").click()
    expect(page).to_have_url(re.compile(re.escape(f"/tag/{quote(tag.casefold())}") + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"#{tag.casefold()}")
    expect(page.locator("article.post .post-body strong")).to_have_text("hello")

    page.context.clear_cookies()
    site.login(mary.username)
    page.goto("/index")
    navbar = page.get_by_role("navigation")
    expect(navbar.locator("#alert-count")).to_have_text("1")
    navbar.get_by_role("link", name=re.compile(t("Notifications"))).click()
    item = page.locator("article.alert-item")
    expect(item).to_have_count(1)
    expect(item.get_by_role("link", name=john.username, exact=True).first).to_be_visible()
    expect(item.locator(".post-body strong")).to_have_text("hello")
    # Seen: the page marks it read as it opens, and the count goes.
    expect(navbar.locator("#alert-count")).to_be_hidden()
    # The server kept it: /index, whose script marks nothing read, shows no count either.
    page.goto("/index")
    expect(navbar.locator("#alert-count")).to_be_hidden()
