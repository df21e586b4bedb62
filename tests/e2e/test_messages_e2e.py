"""Private messages, mentions and the posts export in a real browser, with the notifications
poller that keeps the navbar's badges current."""

import json
import re
import uuid

import pytest

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


def badge(page):
    return page.locator("#message-count")


def open_home_with_the_poller_on_a_clock(page) -> None:
    """Open /index with the page's clock under the test's hand, once the poller has asked
    for the first time (its next ask is then 10 s of that clock away: poll_now())."""
    page.clock.install()
    with page.expect_response(lambda response: "/notifications" in response.url):
        page.goto("/index")


def poll_now(page) -> None:
    """Bring the poller's next ask forward: its 10 s pass at once."""
    page.clock.fast_forward(10_000)


def test_the_unread_badge_updates_without_a_reload(page, site, browser, server):
    reader = site.sign_up_and_login()
    open_home_with_the_poller_on_a_clock(page)
    expect(badge(page)).to_be_hidden()

    # Someone else, in another browser, writes to the reader.
    other = browser.new_context(base_url=server.url)
    try:
        writer_page = other.new_page()
        writer = type(site)(writer_page, site.inbox)
        writer.sign_up_and_login()
        writer_page.goto(f"/user/{reader.username}")
        writer_page.get_by_role("link", name="Send private message").click()
        body = f"hello {uuid.uuid4().hex[:8]}"
        writer_page.get_by_label("Message").fill(body)
        writer_page.get_by_role("button", name="Send").click()
        expect(writer_page.get_by_role("alert")).to_contain_text("Your message has been sent.")
    finally:
        other.close()

    poll_now(page)
    expect(badge(page)).to_have_text("1")
    expect(badge(page)).to_be_visible()
    # On a phone the menu is folded, and its badge with it: the toggler shows the count.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(badge(page)).to_be_hidden()
    expect(page.locator("#message-count-toggler")).to_have_text("1")
    expect(page.locator("#message-count-toggler")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="Messages").click()
    expect(page.locator(".message-body")).to_have_text([body])
    # The page's script marks the messages read with a POST as it opens.
    expect(badge(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Mark as read")).to_have_count(0)
    # The server kept it: /index, whose script marks nothing read, shows no count either.
    page.goto("/index")
    expect(badge(page)).to_be_hidden()


def test_export_shows_progress_and_mails_the_posts(page, site):
    account = site.sign_up_and_login()
    body = f"exported {uuid.uuid4().hex[:8]}"
    site.write_post(body)

    page.get_by_role("navigation").get_by_role("link", name="Profile").click()
    page.get_by_role("button", name="Export your posts").click()
    expect(page.get_by_role("alert")).to_contain_text("they will arrive by email")
    # The page polls the notifications every 10 s: allow a few rounds on a busy machine.
    progress = page.locator("#task-progress [role=status]")
    expect(progress).to_have_text("Your posts were emailed to you.", timeout=30_000)
    expect(progress).to_have_class(re.compile(r"alert-success"))
    progress.get_by_role("button", name="Close").click()
    expect(progress).to_have_count(0)

    message = site.inbox.wait_for(account.email, "Your blog posts")
    (part,) = message.iter_attachments()
    assert part.get_filename() == "posts.json"
    assert [post["body"] for post in json.loads(part.get_content())["posts"]] == [body]


def test_the_notifications_badge_updates_without_a_reload(page, site, browser, server):
    reader = site.sign_up_and_login()
    open_home_with_the_poller_on_a_clock(page)
    alerts = page.locator("#alert-count")
    expect(alerts).to_be_hidden()

    # Someone else, in another browser, mentions the reader.
    other = browser.new_context(base_url=server.url)
    try:
        writer_page = other.new_page()
        type(site)(writer_page, site.inbox).sign_up_and_login()
        writer_page.goto("/index")
        writer_page.get_by_label("Say something").fill(f"hello @{reader.username}")
        writer_page.get_by_role("button", name="Submit").click()
        expect(writer_page.get_by_role("alert")).to_contain_text("Your post is now live!")
    finally:
        other.close()

    poll_now(page)
    expect(alerts).to_have_text("1")
    expect(alerts).to_be_visible()
    expect(badge(page)).to_be_hidden()
    page.get_by_role("link", name="Notifications").click()
    expect(page.locator("article.alert-item")).to_have_count(1)
    expect(alerts).to_be_hidden()
