"""Language selection: English and Simplified Chinese, chosen from Accept-Language."""

from flask import Flask, current_app, g, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup

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


def page_translations():
    """The translations for the current locale, found once per request and locale.

    Flask-Babel's template gettext finds them anew for every string (about 8 µs each, and
    a page has dozens); a locale forced for an email (force_locale) gets its own.
    """
    locale = get_locale()
    cached = g.get("page_translations")
    if cached is None or cached[0] is not locale:
        cached = g.page_translations = (locale, get_translations())
    return cached[1]


@pass_eval_context
def template_gettext(eval_context, string: str, **variables) -> str:
    """`_()` and `gettext()` in templates: what Jinja's newstyle gettext does, in one call.

    Jinja's `_` looks up `gettext` and calls it, and that wrapper calls the translation
    function: three trips through the template context's call machinery for each string
    (4% of a profile page's instructions). As there, the text is escaped in HTML templates
    and always formatted with the variables.
    """
    text = page_translations().ugettext(string)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["html_lang"] = html_lang
    # Added to the environment by the jinja2.ext.i18n extension that Flask-Babel loads.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: page_translations().ugettext(string),
        ngettext=lambda singular, plural, n: page_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: page_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: page_translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)
