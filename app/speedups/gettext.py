"""Templates' `_()` and `gettext()` in one call, on translations found once per request.

Speeds up every translated string in a template, which with Flask-Babel finds the
translations anew and goes through Jinja's gettext wrapper (how much: benchmarks/README.md).
Breaks if a template needs what Flask-Babel's own callables do beyond this (test_i18n.py
holds them equal), or if the locale changes mid-request without get_locale() changing.
"""

from flask import Flask, g
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup


def page_translations():
    """The translations for the current locale, found once per request and locale (a
    locale forced for an email, force_locale, gets its own)."""
    locale = get_locale()
    cached = g.get("page_translations")
    if cached is None or cached[0] is not locale:
        cached = g.page_translations = (locale, get_translations())
    return cached[1]


@pass_eval_context
def template_gettext(eval_context, string: str, **variables) -> str:
    """What Jinja's newstyle gettext does, in one call: the text is escaped in HTML
    templates and always formatted with the variables."""
    text = page_translations().ugettext(string)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables


def init_app(app: Flask) -> None:
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
