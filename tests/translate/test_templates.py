"""The Translate button on posts: shown only when a translator is set and the languages differ."""

import re

import pytest

from tests.conftest import PASSWORD, add_user
from tests.translate.conftest import add_post

MICROSOFT = {"TRANSLATOR": "microsoft", "MS_TRANSLATOR_KEY": "key"}
DEEPL = {"TRANSLATOR": "deepl", "DEEPL_API_KEY": "key"}
BUTTON = re.compile(r'<button type="button" class="translate-post[^>]*>')


def explore(app, accept_language="en"):
    add_user(app)
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    response = client.get("/explore", headers={"Accept-Language": accept_language})
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("translator_settings", [MICROSOFT, DEEPL])
def test_button_for_a_post_in_another_language(app):
    add_post(app, body="Hola mundo", language="es")
    page = explore(app)
    [button] = BUTTON.findall(page)
    assert 'data-url="/translate"' in button
    assert 'data-source-language="es"' in button
    assert 'data-dest-language="en"' in button
    assert ">Translate</button>" in page


@pytest.mark.parametrize(
    ("translator_settings", "language", "accept_language", "dest"),
    [
        ({}, "es", "en", None),
        ({"TRANSLATOR": ""}, "es", "en", None),
        (MICROSOFT, None, "en", None),
        (MICROSOFT, "en", "en", None),
        (MICROSOFT, "en", "en-GB,en;q=0.8", None),
        (MICROSOFT, "zh-cn", "zh-CN,zh;q=0.9", None),
        (MICROSOFT, "zh-tw", "zh-CN", None),
        (MICROSOFT, "zh-cn", "en-US", "en"),
        (MICROSOFT, "en", "zh-CN,zh;q=0.9", "zh-CN"),
        (DEEPL, "fr", "zh", "zh-CN"),
        # A reader whose language the site does not offer reads it in English.
        (DEEPL, "fr", "fr-FR", "en"),
    ],
)
def test_button_depends_on_setting_and_languages(app, language, accept_language, dest):
    add_post(app, body="Some words", language=language)
    buttons = BUTTON.findall(explore(app, accept_language))
    if dest is None:
        assert buttons == []
    else:
        [button] = buttons
        assert f'data-dest-language="{dest}"' in button


@pytest.mark.parametrize("translator_settings", [DEEPL])
def test_csrf_meta_only_for_logged_in_readers(app):
    anonymous = app.test_client().get("/auth/login").text
    assert 'name="csrf-token"' not in anonymous
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', explore(app))
