"""What every blueprint's forms share."""

from collections.abc import Callable

from flask import Flask
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.widgets import HiddenInput

from app.fragments import FRAGMENT_STORE_SIZE, keep, store


def is_blank(form: FlaskForm) -> bool:
    """True when the form shows nothing of its own: no data, no errors, no choices."""
    return not form.errors and all(
        field.type in ("CSRFTokenField", "SubmitField")
        or (not field.data and not hasattr(field, "choices"))
        for field in form
    )


def hidden_fields(form: FlaskForm) -> Markup:
    """What form.hidden_tag() renders, with the CSRF token's <input> written directly:
    WTForms' widget took 45 µs for it on every page with a form."""
    html = []
    for field in form:
        if field.type == "CSRFTokenField":
            name, token = escape(field.name), escape(field.current_token)
            html.append(f'<input id="{name}" name="{name}" type="hidden" value="{token}">')
        elif isinstance(field.widget, HiddenInput):
            html.append(field())
    return Markup("\n".join(html))


def blank_form_fields(form: FlaskForm, submit_class: str, caller: Callable[[], str]) -> Markup:
    """The visible fields of a form (the body of the render_form macro), rendered once per
    form class and language while the form is blank, as a page's own form is on every GET.

    WTForms builds each field's markup anew (a fifth of the home page's time); a blank
    form's markup depends only on its class and the language. The CSRF token, which
    changes, is outside this part.
    """
    if not is_blank(form):
        return Markup(caller())
    key = (type(form), form._prefix, submit_class, str(get_locale()))
    return keep(store("blank_forms"), key, caller, FRAGMENT_STORE_SIZE)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["blank_form_fields"] = blank_form_fields
    app.jinja_env.globals["hidden_fields"] = hidden_fields
