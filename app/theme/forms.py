"""The navbar's theme picker (its markup is in base.html's navbar: no form object per page)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

# "auto" follows the system's setting, through CSS alone (static/color-modes.css).
THEMES = ("auto", "light", "dark")


class ThemeForm(FlaskForm):
    theme = SelectField(choices=THEMES)
    # The page the picker was on, to go back to (checked by safe_next_url).
    next = HiddenField()
