"""Language selection: English, Spanish and Simplified Chinese, as the reader picked in the
navbar, else from Accept-Language."""

from collections.abc import Iterator
from contextlib import contextmanager

from babel import Locale
from flask import Flask, Response, current_app, request
from flask_babel import force_locale, get_locale
from flask_login import current_user

from app.extensions import babel

# Each language under its own name, as a reader looking for theirs recognises it.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "zh_CN": "简体中文"}

# A visitor's pick, in its own cookie rather than the session: it outlives logout, which
# clears the session, and a visit a year later.
LANGUAGE_COOKIE = "language"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60

# The tags browsers send for Simplified Chinese. Traditional Chinese (zh-TW, zh-HK,
# zh-Hant) is another script, so it is left to fall back to English.
SIMPLIFIED_CHINESE = {"zh", "zh-cn", "zh-sg", "zh-hans", "zh-hans-cn", "zh-hans-sg"}


def match_language(tag: str, languages: list[str]) -> str | None:
    """The supported language for one Accept-Language tag: exact, alias, or en-US → en."""
    tag = tag.replace("_", "-").lower()
    if tag in SIMPLIFIED_CHINESE:
        tag = "zh-cn"
    for language in languages:
        code = language.replace("_", "-").lower()
        if tag == code or tag.split("-")[0] == code:
            return language
    return None


def offered(language: str | None) -> str | None:
    """`language` if the site offers it (a stored pick may outlive a removed language)."""
    return language if language in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """The signed-in user's pick, else this browser's, else the best of Accept-Language."""
    # current_user is loaded for the page anyway, language column included: no extra query.
    if current_user.is_authenticated and (language := offered(current_user.locale)):
        return language
    if language := offered(request.cookies.get(LANGUAGE_COOKIE)):
        return language
    # Walk the header in the visitor's order of preference: werkzeug's best_match prefers
    # any exact match, so "zh;q=0.9, en;q=0.5" would otherwise get English.
    languages = current_app.config["LANGUAGES"]
    for tag, quality in request.accept_languages:
        if quality > 0 and (language := match_language(tag, languages)):
            return language
    return languages[0]


def html_lang() -> str:
    """The page's lang attribute, as a BCP 47 tag (zh-CN, not zh_CN)."""
    locale = get_locale()
    if locale is None:
        return "en"
    return f"{locale.language}-{locale.territory}" if locale.territory else locale.language


def language_choices() -> list[tuple[str, str, str, bool]]:
    """(code, own name, BCP 47 tag, is the current one) of every language the site offers,
    for the picker."""
    choices, current = [], get_locale()
    for code in current_app.config["LANGUAGES"]:
        locale = Locale.parse(code)
        name = LANGUAGE_NAMES.get(code) or locale.get_display_name(code) or code
        choices.append(
            (code, name[:1].upper() + name[1:], code.replace("_", "-"), locale == current)
        )
    return choices


def remember_language(response: Response, language: str) -> None:
    """Keep this browser's pick, for its visits while nobody is signed in."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


@contextmanager
def language_of(user, default: str | None = None) -> Iterator[None]:
    """Text made inside (an email's subject and body) is in the language `user` picked,
    else in `default`, else in the current request's."""
    language = offered(getattr(user, "locale", None)) or default
    if language is None:
        yield
        return
    with force_locale(language):
        yield


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["language_choices"] = language_choices
