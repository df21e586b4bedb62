"""The API blueprint. Its routes live in one module a concept (users, posts, tokens)."""

from flask import Blueprint
from werkzeug.routing import BaseConverter

from app.extensions import csrf
from app.models.types import MAX_ID


class IdConverter(BaseConverter):
    """Any run of digits as an int; an id past MAX_ID becomes MAX_ID + 1, which finds nothing.

    Refusing it here instead would make Werkzeug answer 405 for the other methods of the URL.
    """

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        digits = value.lstrip("0") or "0"
        return int(digits) if len(digits) <= 10 else MAX_ID + 1

    def to_url(self, value: int) -> str:
        return str(value)


bp = Blueprint("api", __name__)
# The API authenticates by header, never by cookie, so a forged cross-site request carries
# no credentials and CSRF tokens would only get in the way.
csrf.exempt(bp)


@bp.record_once
def add_id_converter(state) -> None:
    state.app.url_map.converters.setdefault("id", IdConverter)
