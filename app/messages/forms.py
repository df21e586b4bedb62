"""Forms of the messages blueprint."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput


class MessageForm(FlaskForm):
    message = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=280)])
    submit = SubmitField(_l("Send"))


class MarkReadForm(FlaskForm):
    """The messages page's "mark as read": what arrived until the page was shown is read."""

    until = DateTimeLocalField(
        widget=HiddenInput(), format="%Y-%m-%dT%H:%M:%S.%f%z", validators=[DataRequired()]
    )
