"""Replying to a post and reading the conversation in a real browser, in English and Chinese."""

import re
import uuid

import pytest

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_reply_and_read_the_thread(page, site, t, locale):
    author = site.sign_up_and_login().username
    question = f"Which database? {uuid.uuid4().hex[:6]}"
    site.write_post(question)
    site.logout()

    site.sign_up_and_login()
    page.goto("/explore")
    article = page.locator("article.post").filter(has_text=question)
    article.get_by_role("link", name=t("Reply"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/post/\d+#reply$"))
    root_url = page.url.split("#")[0]
    reply_box = page.locator("#reply")
    expect(reply_box).to_have_value(f"@{author} ")
    # The box has the focus and the caret after the mention: the reader just types.
    expect(reply_box).to_be_focused()
    page.wait_for_function(
        "document.activeElement.selectionStart === document.activeElement.value.length"
    )
    page.keyboard.type("SQLite, then PostgreSQL")
    page.locator("#submit").click()
    expect(page.get_by_role("alert")).to_contain_text(t("Your reply is now live!"))

    # The reply's page: the post it answers above it, and who it answers.
    bodies = page.locator(".thread-ancestors .post-body, .thread-post .post-body")
    expect(bodies).to_have_text([question, f"@{author} SQLite, then PostgreSQL"])
    replying = t("replying to %(username)s").replace("%(username)s", f"@{author}")
    expect(page.locator(".thread-post .post-reply-to")).to_have_text(replying)

    # The first post's page lists the reply under it.
    page.goto(root_url)
    expect(page.locator(".thread-replies .post-body")).to_have_text(
        [f"@{author} SQLite, then PostgreSQL"]
    )
    expect(page.get_by_role("heading", name=t("Replies"))).to_be_visible()
