"""The search box."""

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField
from wtforms.validators import DataRequired, Length

MAX_QUERY_LENGTH = 100


def without_control_characters(text: str | None) -> str:
    # NUL and friends would reach the database (PostgreSQL refuses NUL in text outright).
    if text is None:
        return ""
    cleaned = "".join(" " if unicodedata.category(c) in {"Cc", "Cs"} else c for c in text)
    return cleaned.strip()


class SearchForm(FlaskForm):
    # A GET form: searching changes nothing, and a result page should be linkable.
    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"),
        filters=[without_control_characters],
        validators=[
            DataRequired(message=_l("Please enter a search term.")),
            Length(
                max=MAX_QUERY_LENGTH,
                message=_l("Search terms are limited to %(max)d characters."),
            ),
        ],
    )
