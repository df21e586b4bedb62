"""Every language's catalog is complete, matches the code, and is what its readers see.

"Every language" is config.LANGUAGES less English, the language of the code: a language
added there (after `flask translate init`) is checked here without another line, except its
gettext plural rule below.
"""

import copy
import os
import re
import tempfile
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import app as app_package
from app.extensions import babel
from config import Config

APP_DIR = Path(app_package.__file__).resolve().parent
BABEL_CFG = APP_DIR.parent / "babel.cfg"
TRANSLATIONS = APP_DIR / "translations"
LANGUAGES = [language for language in Config.LANGUAGES if language != "en"]

# gettext's Plural-Forms for each language (Babel's CLDR data would give Spanish a third
# form, for "1 millón", which gettext's Spanish catalogs do not have).
PLURAL_FORMS = {
    "es": "nplurals=2; plural=(n != 1);",
    "zh_CN": "nplurals=1; plural=0;",
}
# Text every translation of a language must contain: Chinese is written in Han characters.
SCRIPT = {"zh_CN": re.compile(r"[\u4e00-\u9fff]")}
# Messages a language rightly leaves as they are.
UNCHANGED = {"es": {"Microblog", ", "}}
# The tags a browser of each language may send, and the page's lang attribute for them.
ACCEPT_LANGUAGE = {
    "es": (["es", "es-ES", "es-MX", "es-419", "fr, es;q=0.8", "es_ES"], "es"),
    "zh_CN": (
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
        "zh-CN",
    ),
}

PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]")


def catalog_folder(language: str, translations: Path = TRANSLATIONS) -> Path:
    """app/translations/<language>, under the code or under Babel's spelling of it
    (`pybabel init -l zh_CN` writes zh_Hans_CN)."""
    for name in (language, str(Locale.parse(language))):
        if (translations / name / "LC_MESSAGES" / "messages.po").exists():
            return translations / name / "LC_MESSAGES"
    raise AssertionError(f"no catalog for {language}: run `flask translate init {language}`")


def load_catalog(language: str, translations: Path = TRANSLATIONS):
    with (catalog_folder(language, translations) / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def forms(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def problems(catalog, language: str) -> list[str]:
    """What keeps `catalog` from being complete: each untranslated or fuzzy message, each
    translation in the wrong script or left in English, each placeholder lost or invented."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if message.fuzzy:
            found.append(f"fuzzy (pybabel's guess; check it and unflag): {key!r}")
        # Plural forms stand for the plural msgid, which carries the count.
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        expected = sorted(PLACEHOLDER.findall(source))
        for form in forms(message):
            if not form:
                found.append(f"untranslated: {key!r}")
            elif form == key and key not in UNCHANGED.get(language, set()):
                found.append(f"left in English: {key!r}")
            # A list separator is punctuation only: it has no script to be written in.
            elif language in SCRIPT and not SCRIPT[language].search(form) and key != ", ":
                found.append(f"not in {language}'s script: {form!r}")
            elif sorted(PLACEHOLDER.findall(form)) != expected:
                found.append(f"placeholders differ from {source!r}: {form!r}")
    return found


def compile_if_stale(language: str) -> None:
    """Compile the .mo in place when it is missing or stale, so this file runs standalone.

    Written to a temporary name and renamed, so parallel workers never read half a file.
    """
    folder = catalog_folder(language)
    po_file, mo_file = folder / "messages.po", folder / "messages.mo"
    if mo_file.exists() and mo_file.stat().st_mtime >= po_file.stat().st_mtime:
        return
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as mo:
            write_mo(mo, load_catalog(language))
        os.replace(tmp, mo_file)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@pytest.fixture(scope="module")
def compiled_catalogs():
    for language in LANGUAGES:
        compile_if_stale(language)
    return {language: load_catalog(language) for language in LANGUAGES}


def test_the_book_languages_are_offered():
    assert Config.LANGUAGES[0] == "en"
    assert {"es", "zh_CN"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    assert problems(load_catalog(language), language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_fuzzy_or_empty_message_is_enough_to_fail(language):
    """The check above rejects a catalog that is complete but for one guess or one gap."""
    catalog = load_catalog(language)
    assert problems(catalog, language) == []
    broken = copy.deepcopy(catalog)
    guessed = broken.get("Sign in")
    guessed.flags.add("fuzzy")
    assert problems(broken, language) == ["fuzzy (pybabel's guess; check it and unflag): 'Sign in'"]
    guessed.flags.discard("fuzzy")
    broken.get("Explore").string = ""
    assert problems(broken, language) == ["untranslated: 'Explore'"]
    plural = next(m for m in broken if isinstance(m.id, tuple))
    plural.string = (*plural.string[:-1], "")
    assert sorted(problems(broken, language)) == sorted(
        ["untranslated: 'Explore'", f"untranslated: {plural.id[0]!r}"]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_passes_babels_checks(language):
    catalog = load_catalog(language)
    assert language in PLURAL_FORMS, f"add gettext's Plural-Forms for {language} to PLURAL_FORMS"
    assert catalog.plural_forms == PLURAL_FORMS[language]
    assert [(message.id, errors) for message, errors in catalog.check()] == []


@pytest.fixture(scope="module")
def extracted():
    """The (msgid, context) of every _() and _l() string in the code and templates."""
    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = {
        (msgid[0] if isinstance(msgid, tuple) else msgid, context)
        for _file, _line, msgid, _comments, context in extract_from_dir(
            str(APP_DIR), method_map, options_map, keywords=keywords
        )
    }
    assert len(found) > 50, "extraction found almost nothing: is babel.cfg still right?"
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_is_in_the_catalog(extracted, language):
    """A new _() or _l() string without an entry fails until `flask translate update`."""
    catalog = load_catalog(language)
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
    ("language", "accept_language"),
    [(language, tag) for language in LANGUAGES for tag in ACCEPT_LANGUAGE[language][0]],
)
def test_each_languages_visitors_get_it(compiled_catalogs, login_page, language, accept_language):
    catalog = compiled_catalogs[language]
    page = login_page(accept_language)
    assert f'<html lang="{ACCEPT_LANGUAGE[language][1]}" ' in page
    for msgid in ("Sign in", "Remember me", "Forgot your password?"):
        assert catalog.get(msgid).string in page
    assert "Sign in" not in page and "Remember me" not in page


@pytest.mark.parametrize(
    "accept_language", ["en", "en-US,en;q=0.9", "fr", "zh-TW", "zh-Hant", "zh;q=0, en", "*"]
)
def test_other_visitors_get_english(compiled_catalogs, login_page, accept_language):
    page = login_page(accept_language)
    assert '<html lang="en" ' in page
    assert "Sign in" in page
    for catalog in compiled_catalogs.values():
        assert catalog.get("Remember me").string not in page
