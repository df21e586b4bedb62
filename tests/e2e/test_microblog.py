"""The microblog itself in a real browser: posting, following, profiles, popups, pages."""

import re
import uuid

import pytest

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


def posts(page):
    return page.locator("article.post .post-body")


def unique_text(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:8]}"


def test_post_shows_on_home_and_profile(page, site):
    account = site.sign_up_and_login()
    body = unique_text("My first post")
    site.write_post(body)
    # Posting redirects, so reloading the page does not post again.
    expect(page).to_have_url(re.compile(r"/index$"))
    expect(posts(page).first).to_have_text(body)
    page.reload()
    expect(posts(page).filter(has_text=body)).to_have_count(1)

    page.get_by_role("navigation").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"User: {account.username}")
    expect(posts(page).first).to_have_text(body)


def test_follow_shows_their_posts_and_unfollow_hides_them(page, site):
    author = site.sign_up_and_login()
    body = unique_text("Worth following")
    site.write_post(body)
    site.logout()

    reader = site.sign_up_and_login()
    expect(posts(page).filter(has_text=body)).to_have_count(0)

    page.goto(f"/user/{author.username}")
    expect(page.get_by_text("0 followers")).to_be_visible()
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"You are following {author.username}!")
    expect(page.get_by_text("1 follower,")).to_be_visible()

    page.goto("/index")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hi, {reader.username}!")
    expect(posts(page).filter(has_text=body)).to_have_count(1)

    page.goto(f"/user/{author.username}")
    page.get_by_role("button", name="Unfollow").click()
    expect(page.get_by_role("alert")).to_contain_text(f"You are not following {author.username}.")
    expect(page.get_by_role("button", name="Follow", exact=True)).to_be_visible()
    page.goto("/index")
    expect(posts(page).filter(has_text=body)).to_have_count(0)


def test_edit_profile(page, site):
    account = site.sign_up_and_login()
    page.get_by_role("navigation").get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Edit your profile").click()
    expect(page.get_by_label("Username", exact=True)).to_have_value(account.username)
    about = unique_text("I write end-to-end tests")
    page.get_by_label("About me").fill(about)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Your changes have been saved.")

    page.goto(f"/user/{account.username}")
    expect(page.get_by_text(about)).to_be_visible()


def test_user_popup_appears_on_hover(page, site):
    author = site.sign_up_and_login()
    page.get_by_role("navigation").get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Edit your profile").click()
    page.get_by_label("About me").fill("Hover over my name")
    page.get_by_role("button", name="Submit").click()
    # Saved before write_post's goto(), which would otherwise cancel the form's navigation.
    expect(page.get_by_role("alert")).to_contain_text("Your changes have been saved.")
    site.write_post(unique_text("Hover here"))

    # The popup script listens from DOMContentLoaded on: a hover before then finds no one.
    page.wait_for_load_state("load")
    name = page.locator("article.post a.user-popup", has_text=author.username).first
    with page.expect_response(f"**/user/{author.username}/popup") as popup_response:
        name.hover()
    assert popup_response.value.status == 200
    popup = page.get_by_role("tooltip")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text(author.username)
    expect(popup).to_contain_text("Hover over my name")
    expect(popup).to_contain_text("0 followers")

    page.mouse.move(0, 0)
    expect(popup).to_have_count(0)


def test_user_popup_opens_on_focus_and_closes_on_escape(page, site):
    author = site.sign_up_and_login()
    site.write_post(unique_text("Tab to my name"))
    page.wait_for_load_state("load")
    name = page.locator("article.post a.user-popup", has_text=author.username).first
    name.focus()
    popup = page.get_by_role("tooltip")
    expect(popup).to_contain_text(author.username)
    # Described by the card while it is open, and inside <main> like the rest of the page.
    expect(name).to_have_attribute("aria-describedby", re.compile(r"popover"))
    expect(page.get_by_role("main").get_by_role("tooltip")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    expect(name).to_be_focused()


def test_user_popup_leaves_the_post_in_view_and_stays_on_screen(page, site):
    author = site.sign_up_and_login()
    # Three posts: room below the newest one's name for the card, once it is at the top.
    for number in range(3):
        site.write_post(unique_text(f"Read me while the card is open {number}"))
    page.wait_for_load_state("load")
    name = page.locator("article.post a.user-popup", has_text=author.username).first
    popup = page.get_by_role("tooltip")

    name.hover()
    expect(popup).to_be_visible()
    box, link = popup.bounding_box(), name.bounding_box()
    assert box["y"] + box["height"] <= link["y"] + 1  # above the name, not over the post

    # With the name at the window's top edge there is no room above: it opens below.
    page.mouse.move(0, 0)
    expect(popup).to_have_count(0)
    top = name.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
    # The content's height (scrollHeight is the window's own when the content is shorter).
    height = page.evaluate("document.body.getBoundingClientRect().bottom + window.scrollY")
    page.set_viewport_size({"width": 1280, "height": int(height - top) + 2})
    # Instant: Bootstrap's smooth scrolling would still be moving the name when it is hovered.
    page.evaluate("window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'})")
    name.hover()
    expect(popup).to_be_visible()
    box, link = popup.bounding_box(), name.bounding_box()
    assert link["y"] < 10
    assert box["y"] >= link["y"] + link["height"] - 1


def test_pagination_newer_and_older(page, site):
    site.sign_up_and_login()
    # Four posts with POSTS_PER_PAGE=3: the oldest is alone on the second page.
    bodies = [unique_text(f"Post number {number}") for number in range(1, 5)]
    for body in bodies:
        site.write_post(body)

    page.goto("/index")
    expect(posts(page)).to_have_text(list(reversed(bodies[1:])))
    newer = page.get_by_role("link", name=re.compile("Newer posts"))
    older = page.get_by_role("link", name=re.compile("Older posts"))
    expect(page.locator(".page-item", has=newer)).to_have_class(re.compile(r"\bdisabled\b"))

    older.click()
    expect(page).to_have_url(re.compile(r"[?&]page=2\b"))
    expect(posts(page)).to_have_text([bodies[0]])
    expect(page.locator(".page-item", has=older)).to_have_class(re.compile(r"\bdisabled\b"))

    newer.click()
    expect(page).to_have_url(re.compile(r"[?&]page=1\b"))
    expect(posts(page)).to_have_text(list(reversed(bodies[1:])))


def test_a_long_post_is_counted_and_refused_never_cut(page, site):
    site.sign_up_and_login()
    page.goto("/index")
    box = page.get_by_label("Say something")
    counter = page.locator("#post-count")
    expect(counter).to_have_text("0 / 280")
    box.fill("x" * 270)
    expect(counter).to_have_text("270 / 280")
    expect(counter).to_have_class(re.compile(r"text-warning-emphasis"))
    pasted = "word " * 60  # 300 characters: a paste is kept whole, not cut mid-word
    box.fill(pasted)
    expect(box).to_have_value(pasted)
    expect(counter).to_have_text("300 / 280")
    expect(counter).to_have_class(re.compile(r"text-danger"))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("A post can be at most 280 characters long.")).to_be_visible()
    expect(page.get_by_label("Say something")).to_have_value(pasted)


def assert_tap_targets_apart(buttons) -> None:
    """Each button at least 44 px tall, and no two touching (8 px gap, in a row or wrapped)."""
    boxes = [buttons.nth(n).bounding_box() for n in range(buttons.count())]
    assert len(boxes) >= 2
    for box in boxes:
        assert box["height"] >= 44, boxes
    for a, b in zip(boxes, boxes[1:], strict=False):
        apart_across = b["x"] >= a["x"] + a["width"] + 7.5
        apart_down = b["y"] >= a["y"] + a["height"] + 7.5
        assert apart_across or apart_down, (a, b)


def test_profile_buttons_are_tap_targets_on_a_phone(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    author = site.register()
    account = site.sign_up_and_login()
    page.goto(f"/user/{account.username}")
    assert_tap_targets_apart(page.locator(".profile-actions .btn"))
    page.goto(f"/user/{author.username}")
    assert_tap_targets_apart(page.locator(".profile-actions .btn"))
