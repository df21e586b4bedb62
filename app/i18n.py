"""Language selection: English and Simplified Chinese, chosen from Accept-Language."""

from flask import Flask, current_app, request
from flask_babel import get_locale

from app.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    return request.accept_languages.best_match(languages) or languages[0]


def html_lang() -> str:
    """The page's lang attribute, as a BCP 47 tag (zh-CN, not zh_CN)."""
    locale = get_locale()
    if locale is None:
        return "en"
    return f"{locale.language}-{locale.territory}" if locale.territory else locale.language


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["html_lang"] = html_lang
