"""The report form, the reason an admin may give for an action, and the forms that block a
server (a user's, and the admins' block or silence)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.models.domain_block import BLOCK, SILENCE
from app.models.moderation import REASON_MAX
from app.models.remote_actor import normalize_domain
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


class DomainForm(FlaskForm):
    """A server to block: its name, a URL on it, or the handle of someone there."""

    domain = StringField(
        _l("Server"),
        validators=[DataRequired(), Length(max=300)],
        render_kw={"placeholder": "example.com"},
    )
    submit = SubmitField(_l("Block server"))

    def validate_domain(self, field: StringField) -> None:
        try:
            field.data = normalize_domain(field.data or "")
        except ValueError:
            raise ValidationError(_l("Type a server's name, like example.com.")) from None


def severity_choices() -> list[SelectChoice]:
    return [
        SelectChoice(BLOCK, _l("Block: refuse everything from it, suspend its accounts")),
        SelectChoice(SILENCE, _l("Silence: keep its posts out of Explore, tags and search")),
    ]


class DomainRuleForm(DomainForm):
    """An admin's rule about a server, with a reason for the log."""

    severity = RadioField(_l("What"), choices=severity_choices, default=BLOCK)
    reason = TextAreaField(_l("Reason (for the log)"), validators=[Length(max=REASON_MAX)])
    submit = SubmitField(_l("Save"))


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
        "block_domain": _l("Blocked a server"),
        "silence_domain": _l("Silenced a server"),
        "lift_domain": _l("Lifted a server's block or silence"),
    }
    return str(labels.get(action, action))
