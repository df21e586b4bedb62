"""Images in posts in a real browser: choosing a file with its description, then seeing it in
the list with its alt text, its size, and a link to the full image."""

import re
import uuid

import pytest

from tests.e2e.conftest import PASSWORD, Site
from tests.media import samples

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


def signed_in(page, browser, server, smtp, t) -> None:
    """An account signed up in English (the journey's helpers read English labels), then
    signed in to `page` in its own language."""
    signup = browser.new_context(base_url=server.url, locale="en-US")
    try:
        account = Site(signup.new_page(), smtp).register()
    finally:
        signup.close()
    page.goto("/auth/login")
    page.get_by_label(t("Username or email"), exact=True).fill(account.username)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    page.wait_for_url(re.compile(r"/index$|/$"))


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_post_an_image_with_its_description(page, browser, server, smtp, locale, t, tmp_path):
    signed_in(page, browser, server, smtp, t)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(samples.jpeg(size=(800, 400), orientation=6, gps=True))
    body = f"A photo {uuid.uuid4().hex[:8]}"
    alt = "一面红蓝两色的旗" if locale == "zh-CN" else "A red and blue flag"

    page.goto("/index")
    page.get_by_label(t("Say something")).fill(body)
    page.get_by_text(t("Add images (up to 4)")).click()
    page.get_by_label(t("Image %(number)d") % {"number": 1}, exact=True).set_input_files(photo)
    # Without its description the image is refused, and the form says why.
    page.get_by_role("button", name=t("Submit")).click()
    expect(page.get_by_text(t("Describe this image for people who cannot see it."))).to_be_visible()

    description = t("Description of image %(number)d, for people who cannot see it")
    page.get_by_label(t("Image %(number)d") % {"number": 1}, exact=True).set_input_files(photo)
    page.get_by_label(description % {"number": 1}).fill(alt)
    page.get_by_role("button", name=t("Submit")).click()
    expect(page.get_by_role("alert")).to_contain_text(t("Your post is now live!"))

    article = page.locator("article.post").filter(has_text=body)
    image = article.get_by_role("img", name=alt)
    expect(image).to_be_visible()
    # Turned upright (EXIF orientation 6), as a 400 px thumbnail, lazily loaded.
    expect(image).to_have_attribute("width", "200")
    expect(image).to_have_attribute("height", "400")
    expect(image).to_have_attribute("loading", "lazy")
    # Retried: a lazy image is visible (its width and height) well before it has loaded.
    expect(image).to_have_js_property("naturalWidth", 200)
    link = article.locator(".post-images a")
    expect(link).to_have_attribute("href", re.compile(r"^/media/[0-9a-f]{2}/[0-9a-f]{32}\.jpg$"))
    # The full image (not opened in the page: Chromium's image viewer styles itself inline,
    # which the site's strict CSP refuses, and the page fixture fails on any such report).
    full = page.request.get(link.get_attribute("href"))
    assert full.status == 200 and full.headers["content-type"] == "image/jpeg"
    assert full.headers["x-content-type-options"] == "nosniff"
