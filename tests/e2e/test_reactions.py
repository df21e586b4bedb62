"""Liking and boosting in a real browser, in English and Chinese: the action bar's buttons
turn into their undo, the counts follow, the likes page lists the reader, and a boost puts
the post in the booster's home timeline with "boosted by"."""

import re
import uuid

import pytest

from tests.e2e.conftest import Site

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_like_and_boost_a_post(page, browser, server, smtp, locale, t):
    body = f"Worth a like {uuid.uuid4().hex[:8]}"
    signup = browser.new_context(base_url=server.url, locale="en-US")
    try:
        site = Site(signup.new_page(), smtp)
        author = site.sign_up_and_login()
        site.write_post(body)
        site.logout()
        reader = site.register()
    finally:
        signup.close()

    Site(page, smtp, t).login(reader.username)
    page.goto("/explore")
    post = page.locator("article.post", has_text=body)
    bar = page.locator(".post-actions").nth(
        page.locator("article.post").evaluate_all(
            f"(all) => all.findIndex(a => a.textContent.includes({body!r}))"
        )
    )
    expect(post).to_have_count(1)
    bar.get_by_role("button", name=f"♡ {t('Like')}", exact=True).click()
    bar = page.locator(".post-actions", has=page.get_by_role("button", name=f"♥ {t('Unlike')}"))
    expect(bar).to_have_count(1)
    expect(bar.locator(".like-count")).to_contain_text("1")
    expect(page).to_have_url(re.compile(r"/explore$"))  # back where the button was

    bar.get_by_role("button", name=f"⟳ {t('Boost')}", exact=True).click()
    bar = page.locator(".post-actions", has=page.get_by_role("button", name=f"⟳ {t('Unboost')}"))
    expect(bar.locator(".boost-count")).to_contain_text("1")

    bar.locator(".like-count").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Liked by"))
    expect(page.get_by_role("link", name=reader.username, exact=True)).to_have_count(1)

    # The reader follows no one, yet the boosted post is on their home, boosted by them.
    page.goto("/index")
    boosted = page.locator("article.post", has_text=body)
    expect(boosted.locator(".post-boosted")).to_contain_text(reader.username)
    expect(boosted).to_contain_text(author.username)
