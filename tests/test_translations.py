"""The zh_CN catalog is complete, matches the code, and is what Chinese visitors see."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import app as app_package
from app.extensions import babel

APP_DIR = Path(app_package.__file__).resolve().parent
BABEL_CFG = APP_DIR.parent / "babel.cfg"
LC_MESSAGES = APP_DIR / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "messages.po"
MO_FILE = LC_MESSAGES / "messages.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def load_catalog():
    with PO_FILE.open("rb") as po:
        return read_po(po, locale="zh_CN")


def translated_messages():
    return [message for message in load_catalog() if message.id]


def message_key(message):
    return message.id[0] if isinstance(message.id, tuple) else message.id


def forms(message):
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.fixture(scope="module")
def compiled_catalog():
    """Compile the .mo in place when it is missing or stale, so this file runs standalone.

    Written to a temporary name and renamed, so parallel workers never read half a file.
    """
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        catalog = load_catalog()
        fd, tmp = tempfile.mkstemp(dir=LC_MESSAGES, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as mo:
                write_mo(mo, catalog)
            os.replace(tmp, MO_FILE)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return load_catalog()


@pytest.mark.parametrize("message", translated_messages(), ids=message_key)
def test_message_is_translated(message):
    assert not message.fuzzy, "fuzzy translations are guesses by pybabel; check and unflag"
    for form in forms(message):
        assert form, "untranslated"
        assert CHINESE.search(form), f"{form!r} has no Chinese in it"


@pytest.mark.parametrize("message", translated_messages(), ids=message_key)
def test_placeholders_survive_translation(message):
    # Plural entries: every Chinese form stands for the plural msgid, which carries the count.
    source = message.id[-1] if isinstance(message.id, tuple) else message.id
    expected = sorted(PLACEHOLDER.findall(source))
    for form in forms(message):
        assert sorted(PLACEHOLDER.findall(form)) == expected


def test_catalog_passes_babels_checks():
    catalog = load_catalog()
    assert catalog.plural_forms == "nplurals=1; plural=0;"
    assert [(message.id, errors) for message, errors in catalog.check()] == []


def test_every_string_in_the_code_is_in_the_catalog():
    """A new _() or _l() string without a zh_CN entry fails until `flask translate update`."""
    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    extracted = {
        (msgid[0] if isinstance(msgid, tuple) else msgid, context)
        for _file, _line, msgid, _comments, context in extract_from_dir(
            str(APP_DIR), method_map, options_map, keywords=keywords
        )
    }
    assert len(extracted) > 50, "extraction found almost nothing: is babel.cfg still right?"
    catalog = load_catalog()
    missing = sorted(msgid for msgid, context in extracted if catalog.get(msgid, context) is None)
    assert missing == [], "run `flask --debug translate update` and translate these"


@pytest.fixture
def login_page(make_app):
    """The login page as a browser with this Accept-Language sees it."""
    # Flask-Babel caches catalogs on one global domain across apps; another test may have
    # cached a catalog from elsewhere (or none, before the .mo existed).
    app = make_app()
    with app.app_context():
        babel.domain_instance.cache.clear()
    client = app.test_client()

    def get(accept_language):
        return client.get("/auth/login", headers={"Accept-Language": accept_language}).text

    yield get
    with app.app_context():
        babel.domain_instance.cache.clear()


@pytest.mark.parametrize(
    "accept_language",
    [
        "zh-CN",
        "zh-cn,en;q=0.5",
        "zh",
        "zh-Hans",
        "zh-Hans-CN",
        "zh-SG",
        "zh_CN",
        "en;q=0.5, zh;q=0.9",
        "fr, zh-CN;q=0.8, en;q=0.7",
    ],
)
def test_chinese_visitors_get_chinese(compiled_catalog, login_page, accept_language):
    sign_in = compiled_catalog.get("Sign In").string
    page = login_page(accept_language)
    assert '<html lang="zh-CN">' in page
    assert sign_in in page
    assert "Sign In" not in page


@pytest.mark.parametrize(
    "accept_language", ["en", "en-US,en;q=0.9", "fr", "zh-TW", "zh-Hant", "zh;q=0, en", "*"]
)
def test_other_visitors_get_english(compiled_catalog, login_page, accept_language):
    page = login_page(accept_language)
    assert '<html lang="en">' in page
    assert "Sign In" in page
    assert compiled_catalog.get("Sign In").string not in page
