"""A blank form's fields rendered once per form and language, and the CSRF field written
directly.

Speeds up every page with a form (the home page's post form, login, register), where
WTForms builds each field's markup anew (how much: benchmarks/README.md). Breaks if a blank
form's markup comes to depend on more than its class, prefix and language (a default from
the reader, a choice list from the database): is_blank() keeps those out.
"""

from collections.abc import Callable

from flask import Flask
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.widgets import HiddenInput

from app.speedups.fragments import FRAGMENT_STORE_SIZE, markup_store, rendered_once


def is_blank(form: FlaskForm) -> bool:
    """True when the form shows nothing of its own: no data, no errors, no choices."""
    return not form.errors and all(
        field.type in ("CSRFTokenField", "SubmitField")
        or (not field.data and not hasattr(field, "choices"))
        for field in form
    )


def hidden_fields(form: FlaskForm) -> Markup:
    """What form.hidden_tag() renders, with the CSRF token's <input> written directly."""
    html = []
    for field in form:
        if field.type == "CSRFTokenField":
            name, token = escape(field.name), escape(field.current_token)
            html.append(f'<input id="{name}" name="{name}" type="hidden" value="{token}">')
        elif isinstance(field.widget, HiddenInput):
            html.append(field())
    return Markup("\n".join(html))


def blank_form_fields(form: FlaskForm, submit_class: str, caller: Callable[[], str]) -> Markup:
    """The visible fields of a form (the body of the render_form macro), kept per form
    class and language while the form is blank, as a page's own form is on every GET.
    The CSRF token, which changes, is outside this part."""
    if not is_blank(form):
        return Markup(caller())
    key = (type(form), form._prefix, submit_class, str(get_locale()))
    return rendered_once(markup_store("blank_forms"), key, caller, FRAGMENT_STORE_SIZE)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["blank_form_fields"] = blank_form_fields
    app.jinja_env.globals["hidden_fields"] = hidden_fields
