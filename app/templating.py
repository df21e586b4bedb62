"""What templates call around markup a speed-up may keep (app/speedups/): in the plain app,
each renders what it wraps, every time, so the pages are the same with SPEEDUPS on or off."""

from collections.abc import Callable
from types import SimpleNamespace

from flask import Flask
from flask_wtf import FlaskForm
from markupsafe import Markup


def same_for_everyone(*key, caller: Callable[..., str], **reader: object) -> Markup:
    """For a template's call block that shows nothing but `key`, translated strings and
    URLs, so the speed-ups may keep it per language (app/speedups/fragments.py):

        {% call same_for_everyone("navbar", current_user.is_authenticated) %}…{% endcall %}

    Values given by keyword are the reader's own: the block takes them as its parameter
    and may only print them, `{{ reader.csrf_token }}`, never test or transform them (the
    speed-up prints them into holes of the kept markup):

        {% call(reader) same_for_everyone("form", csrf_token=csrf_token()) %}…{% endcall %}
    """
    return Markup(caller(SimpleNamespace(**reader)) if reader else caller())


def blank_form_fields(form: FlaskForm, submit_class: str, caller: Callable[[], str]) -> Markup:
    """A form's visible fields (the render_form macro's body), which the speed-ups keep
    while the form is blank (app/speedups/forms.py)."""
    return Markup(caller())


def hidden_fields(form: FlaskForm) -> Markup:
    """The form's hidden fields, the CSRF token among them."""
    return form.hidden_tag()


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        same_for_everyone=same_for_everyone,
        blank_form_fields=blank_form_fields,
        hidden_fields=hidden_fields,
    )
