"""Language selection: English and Simplified Chinese, chosen from Accept-Language."""

from flask import Flask, current_app, request
from flask_babel import get_locale

from app.extensions import babel

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


def select_locale() -> str:
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


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["html_lang"] = html_lang
