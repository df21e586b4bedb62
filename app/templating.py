"""What templates call around markup a speed-up may keep (app/speedups/): in the plain app,
each renders what it wraps, every time, so the pages are the same with SPEEDUPS on or off."""

from collections.abc import Callable

from flask import Flask
from flask_wtf import FlaskForm
from markupsafe import Markup


def same_for_everyone(*key, caller: Callable[[], str]) -> Markup:
    """For a template's call block that shows nothing but `key`, translated strings and
    URLs, so the speed-ups may keep it per language (app/speedups/fragments.py):

        {% call same_for_everyone("navbar", current_user.is_authenticated) %}…{% endcall %}
    """
    return Markup(caller())


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
