"""The report form and the reason an admin may give for an action."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.models.moderation import REASON_MAX
from app.models.report import DETAILS_MAX


def reason_choices() -> list[tuple[str, str]]:
    """Report.REASONS with their labels."""
    return [
        ("spam", _l("Spam")),
        ("abuse", _l("Harassment or abuse")),
        ("illegal", _l("Illegal content")),
        ("other", _l("Something else")),
    ]


def report_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in reason_choices()]


class ReportForm(FlaskForm):
    reason = RadioField(_l("Why?"), choices=report_choices, validators=[DataRequired()])
    details = TextAreaField(
        _l("Anything the admins should know"), validators=[Length(max=DETAILS_MAX)]
    )
    submit = SubmitField(_l("Send report"))


class ModerationForm(FlaskForm):
    """An admin's action button, with an optional reason for the log."""

    reason = TextAreaField(_l("Reason (for the log)"), validators=[Length(max=REASON_MAX)])


def reason_label(reason: str) -> str:
    return str(dict(reason_choices()).get(reason, reason))


def action_label(action: str) -> str:
    """A moderation log entry's action, in the reader's language."""
    labels = {
        "hide_post": _l("Hid a post"),
        "unhide_post": _l("Listed a post again"),
        "suspend": _l("Suspended"),
        "unsuspend": _l("Lifted a suspension"),
        "dismiss_report": _l("Dismissed a report"),
        "promote": _l("Made admin"),
        "demote": _l("No longer admin"),
    }
    return str(labels.get(action, action))
