"""Forms for two-factor authentication: a code, and buttons."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    """The six digits from the authenticator app, at login: or a recovery code."""

    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Verify"))


class EnableForm(FlaskForm):
    """The first code from the app, which proves it holds the secret."""

    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Turn on two-factor authentication"))


class DisableForm(FlaskForm):
    submit = SubmitField(_l("Turn off two-factor authentication"))


class RegenerateForm(FlaskForm):
    submit = SubmitField(_l("Make new recovery codes"))
