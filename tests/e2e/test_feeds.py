"""Feeds found as a browser finds them: the page's autodiscovery links, then the feed itself,
in English and in Chinese."""

import uuid

import feedparser
import pytest

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


def discovered(page) -> dict[str, tuple[str, str]]:
    """The page's feeds by type: (title, absolute URL)."""
    links = page.locator('head link[rel="alternate"]')
    return {
        link.get_attribute("type"): (
            link.get_attribute("title"),
            link.evaluate("element => element.href"),
        )
        for link in links.all()
    }


def fetch_atom(page, url: str, language: str):
    response = page.request.get(url, headers={"Accept-Language": language})
    assert response.status == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.body())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_a_profile_leads_to_its_authors_feed(page, site):
    account = site.sign_up_and_login()
    body = f"你好 <b>feeds</b> & friends {uuid.uuid4().hex[:8]}"
    page.goto("/index")
    page.get_by_label("Say something").fill(body)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Your post is now live!")

    page.goto(f"/user/{account.username}")
    feeds = discovered(page)
    assert set(feeds) == {"application/atom+xml", "application/feed+json"}
    title, url = feeds["application/atom+xml"]
    assert title == f"Posts by {account.username}"
    feed = fetch_atom(page, url, "en-US")
    assert feed.feed.title == title
    assert feed.entries[0].title == body
    assert feed.entries[0].author == account.username
    json_feed = page.request.get(feeds["application/feed+json"][1]).json()
    assert json_feed["items"][0]["content_text"] == body


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_visitor_finds_the_public_feed_on_the_front_page(page, t, locale):
    page.goto("/")
    title, url = discovered(page)["application/atom+xml"]
    assert title == t("Newest posts on Microblog")
    assert fetch_atom(page, url, locale).feed.title == title
