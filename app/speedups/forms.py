"""A form's fields rendered once per form, language and what a GET put in them, and the CSRF
field written directly.

Speeds up every page with a form (the home page's post form, login, register, a post's reply
form with its "@author "), where WTForms builds each field's markup anew (how much:
benchmarks/README.md). Breaks if a form's markup comes to depend on more than its class,
prefix, language and fields' data (a choice list from the database): shown_data() keeps
those out.
"""

from collections.abc import Callable

from flask import Flask, request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.widgets import HiddenInput

from app.speedups.fragments import FRAGMENT_STORE_SIZE, markup_store, rendered_once


def is_blank(form: FlaskForm) -> bool:
    """True when the form shows nothing of its own: no data, no errors, no choices."""
    return shown_data(form) == ()


def shown_data(form: FlaskForm) -> tuple | None:
    """What the form's fields show, as a key: () for a blank form; on a GET, the text the
    view put in them (never a password). None for a form not to keep: with errors or
    choices, or holding what a reader submitted."""
    if form.errors:
        return None
    data = []
    for field in form:
        if field.type in ("CSRFTokenField", "SubmitField"):
            continue
        if hasattr(field, "choices"):
            return None
        if not field.data:
            continue
        if request.method != "GET" or field.type == "PasswordField":
            return None
        if not isinstance(field.data, str):
            return None
        data.append((field.name, field.data))
    return tuple(data)


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
    class, language and shown data: a page's own form is the same on every GET. The CSRF
    token, which changes, is outside this part."""
    data = shown_data(form)
    if data is None:
        return Markup(caller())
    key = (type(form), form._prefix, submit_class, str(get_locale()), data)
    return rendered_once(markup_store("blank_forms"), key, caller, FRAGMENT_STORE_SIZE)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["blank_form_fields"] = blank_form_fields
    app.jinja_env.globals["hidden_fields"] = hidden_fields
