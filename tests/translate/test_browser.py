"""The Translate button in a real Chromium: the script posts with the CSRF header and shows
the translation, or the service's failure, in place of the button."""

import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, add_user
from tests.translate.conftest import add_post, deepl_settings

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium fixture skips with the reason
    expect = None

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()


@pytest.fixture
def live_url(make_app, deepl_service):
    """The app, with CSRF on, served from a thread on 127.0.0.1 and using the fake DeepL."""
    app = make_app(WTF_CSRF_ENABLED=True, **deepl_settings(deepl_service))
    add_user(app)
    add_post(app, body="Hola mundo", language="es")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def open_explore(page, url):
    page.goto(f"{url}/auth/login")
    page.fill("input[name=username]", "susan")
    page.fill("input[name=password]", PASSWORD)
    page.click("main input[type=submit], main button[type=submit]")
    page.goto(f"{url}/explore")


def test_translate_button_shows_the_translation(browser_page, live_url, deepl_service):
    deepl_service.delay = 1
    open_explore(browser_page, live_url)
    box = browser_page.locator(".post-translation")
    box.get_by_role("button", name="Translate").click()
    expect(box).to_have_text("Translating…")
    expect(box).to_have_text("Hello world")
    expect(box).to_have_attribute("lang", "en")
    assert len(deepl_service.received) == 1
    assert deepl_service.received[0].json()["text"] == ["Hola mundo"]
    assert browser_page.problems == []


def test_translate_button_shows_a_failure(browser_page, live_url, deepl_service):
    deepl_service.force(500, b"Internal Server Error")
    open_explore(browser_page, live_url)
    box = browser_page.locator(".post-translation")
    box.get_by_role("button", name="Translate").click()
    expect(box).to_have_text("The translation service failed. Please try again later.")
    assert browser_page.problems == []
