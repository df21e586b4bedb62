"""Pagination that never counts the whole result: it fetches one row more than it shows."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, request
from sqlalchemy import Select

from app.database import READS_ONLY
from app.extensions import db

# Deeper pages would make OFFSET arithmetic overflow the database's integers.
MAX_PAGE = 100_000


@dataclass
class Page:
    items: list[Any]
    number: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def next_num(self) -> int:
        return self.number + 1

    @property
    def prev_num(self) -> int:
        return self.number - 1


def requested_page() -> int:
    """The ?page= number; a page that cannot exist (0, negative, absurd) is a 404."""
    number = request.args.get("page", 1, type=int)
    if not 1 <= number <= MAX_PAGE:
        abort(404)
    return number


def _page(rows: Sequence[Any], number: int, per_page: int) -> Page:
    # `rows` holds one row more than the page when there is a next page.
    return Page(items=list(rows[:per_page]), number=number, has_next=len(rows) > per_page)


def paginate(query: Select, number: int, per_page: int) -> Page:
    """One page of `query`'s ORM objects."""
    query = query.limit(per_page + 1).offset((number - 1) * per_page)
    rows = db.session.scalars(query, execution_options=READS_ONLY).all()
    return _page(rows, number, per_page)


def rows_to_read(number: int, per_page: int) -> int:
    """How far into a listing fetch_page reads for page `number` (its OFFSET plus LIMIT):
    one row past the page's end."""
    return number * per_page + 1


def fetch_page(listing: Select, number: int, per_page: int, params: dict | None = None) -> Page:
    """One page of rows from a listing (app.models.listing), whose LIMIT and OFFSET are
    the parameters page_limit and page_offset.

    It runs on the session's connection, in its transaction: a listing returns rows, not
    objects, so the ORM's layer of execution has nothing to do but costs a tenth of a
    millisecond.
    """
    window = {"page_limit": per_page + 1, "page_offset": (number - 1) * per_page}
    params = {**(params or {}), **window}
    rows = db.session.connection().execute(listing, params, execution_options=READS_ONLY).all()
    return _page(rows, number, per_page)
