"""Forms of the alerts blueprint."""

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField
from wtforms.validators import DataRequired
from wtforms.widgets import HiddenInput


class MarkAlertsReadForm(FlaskForm):
    """The alerts page's "mark as read": what arrived until the page was shown is seen."""

    until = DateTimeLocalField(
        widget=HiddenInput(), format="%Y-%m-%dT%H:%M:%S.%f%z", validators=[DataRequired()]
    )
