"""Reading request input: the JSON body, its text fields, and the paging parameters."""

import re
from typing import Any

from flask import current_app, request
from flask_babel import _
from werkzeug.exceptions import BadRequest

from app.api.errors import fail
from app.pagination import MAX_PAGE

MAX_PER_PAGE = 100
DIGITS = re.compile(r"[0-9]+")


def json_object() -> dict[str, Any]:
    """The request's JSON body, which must be an object."""
    if not request.is_json:
        fail(415, _("Send a JSON body with Content-Type: application/json."))
    try:
        data = request.get_json()
    except BadRequest:
        fail(400, _("The body is not valid JSON."))
    if not isinstance(data, dict):
        fail(400, _("The body must be a JSON object."))
    return data


def usable_text(value: str) -> bool:
    """Text every database can store: no NUL character, no lone UTF-16 surrogate."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_fields(
    data: dict[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, str | None]:
    """The named fields of `data`, each checked to be text; optional ones may be null or absent."""
    errors: dict[str, list[str]] = {}
    values: dict[str, str | None] = {}
    for name in (*required, *optional):
        value = data.get(name)
        if value is None and name in optional:
            if name in data:
                values[name] = None
            continue
        if value is None:
            errors[name] = [_("This field is required.")]
        elif not isinstance(value, str):
            errors[name] = [_("This field must be a string.")]
        elif not usable_text(value):
            errors[name] = [_("This field contains characters that cannot be stored.")]
        else:
            values[name] = value
    if errors:
        fail(400, _("The request has invalid fields."), errors)
    return values


def _whole_number(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not DIGITS.fullmatch(raw):
        fail(400, _("%(name)s must be a whole number.", name=name))
    digits = raw.lstrip("0") or "0"
    # Past nine digits the exact value no longer matters, and int() refuses huge strings.
    return int(digits) if len(digits) <= 9 else 10**9


def page_arguments() -> tuple[int, int]:
    """?page= (1 to MAX_PAGE) and ?per_page= (from 1; above MAX_PER_PAGE counts as MAX_PER_PAGE)."""
    page = _whole_number("page", 1)
    if not 1 <= page <= MAX_PAGE:
        fail(400, _("page must be from 1 to %(last)d.", last=MAX_PAGE))
    per_page = _whole_number("per_page", current_app.config["POSTS_PER_PAGE"])
    if per_page < 1:
        fail(400, _("per_page must be at least 1."))
    return page, min(per_page, MAX_PER_PAGE)
