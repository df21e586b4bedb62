from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale
from markupsafe import escape

import app as app_package
from app.extensions import babel

PO_FILE = Path(app_package.__file__).parent / "translations/zh_Hans_CN/LC_MESSAGES/messages.po"
LOGIN_PAGE_STRINGS = ["Sign in", "Login", "Register", "Remember me", "New user?"]


@pytest.fixture
def catalog():
    with PO_FILE.open("rb") as po:
        return read_po(po, locale="zh_CN")


@pytest.fixture
def zh_app(make_app, catalog, tmp_path):
    """The app with the catalog compiled fresh, so the test never sees a stale .mo file."""
    mo_dir = tmp_path / "zh_Hans_CN" / "LC_MESSAGES"
    mo_dir.mkdir(parents=True)
    with (mo_dir / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)
    # Flask-Babel caches catalogs per locale on its one global domain, across apps:
    # start and end with an empty cache so no other app's catalog leaks in or out.
    domain = babel.domain_instance
    domain.cache.clear()
    yield make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    domain.cache.clear()


@pytest.mark.parametrize(
    ("accept_language", "lang"),
    [
        (None, "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("de;q=0.9,zh-CN;q=0.5", "zh-CN"),
    ],
)
def test_language_from_accept_language(client, accept_language, lang):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.get("/auth/login", headers=headers)
    assert f'<html lang="{lang}" ' in response.text


def test_chinese_login_page_uses_the_catalog(zh_app, catalog):
    """Each login-page string shows its Chinese translation, or English while it has none.

    When this was written the zh_CN catalog was still being translated, so which branch
    applies depends on the catalog's state; both are real behaviour (gettext falls back).
    """
    page = zh_app.test_client().get("/auth/login", headers={"Accept-Language": "zh-CN"}).text
    assert '<html lang="zh-CN" ' in page
    for msgid in LOGIN_PAGE_STRINGS:
        message = catalog.get(msgid)
        assert message is not None, f"{msgid!r} is missing from the catalog"
        expected = message.string or msgid
        assert str(escape(expected)) in page, f"{msgid!r} should show as {expected!r}"


def test_english_page_is_untranslated(zh_app, catalog):
    page = zh_app.test_client().get("/auth/login", headers={"Accept-Language": "en"}).text
    for msgid in LOGIN_PAGE_STRINGS:
        assert str(escape(msgid)) in page
        translation = catalog.get(msgid).string
        if translation:
            assert translation not in page


def test_templates_follow_a_locale_forced_inside_a_request(zh_app, catalog):
    # Page templates keep their translations per request; an email forced into English
    # from a Chinese request must still come out in English, and the page in Chinese.
    chinese = catalog.get("Login").string
    template = zh_app.jinja_env.from_string("{{ _('Login') }}")
    with zh_app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert template.render() == chinese
        with force_locale("en"):
            assert template.render() == "Login"
        assert template.render() == chinese


def test_template_strings_escape_their_variables_in_html_only(zh_app, catalog):
    # What Jinja's newstyle gettext does, which app.i18n.template_gettext does in one call.
    source = "{{ _('Hi, %(username)s!', username=name) }} {{ gettext('100%% %(x)s', x=1) }}"
    html = zh_app.jinja_env.from_string(source)
    text = zh_app.jinja_env.overlay(autoescape=False).from_string(source)
    with zh_app.test_request_context(headers={"Accept-Language": "en"}):
        assert html.render(name="<b>") == "Hi, &lt;b&gt;! 100% 1"
        assert text.render(name="<b>") == "Hi, <b>! 100% 1"
    hi = catalog.get("Hi, %(username)s!").string or "Hi, %(username)s!"
    with zh_app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert html.render(name="<b>").startswith(str(escape(hi % {"username": "<b>"})))
