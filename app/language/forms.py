"""The navbar's language picker (its markup is in base.html: no form object per page)."""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField


class LanguageForm(FlaskForm):
    language = SelectField()
    # The page the picker was on, to go back to (checked by safe_next_url).
    next = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = list(current_app.config["LANGUAGES"])
