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


def page_of_rows(rows: Sequence[Any], number: int, per_page: int) -> Page:
    """A page from `rows`, which hold one row more than the page when there is a next page."""
    return Page(items=list(rows[:per_page]), number=number, has_next=len(rows) > per_page)


def paginate(query: Select, number: int, per_page: int) -> Page:
    """One page of `query`'s ORM objects."""
    query = query.limit(per_page + 1).offset((number - 1) * per_page)
    rows = db.session.scalars(query, execution_options=READS_ONLY).all()
    return page_of_rows(rows, number, per_page)


def paginate_rows(query: Select, number: int, per_page: int) -> Page:
    """One page of `query`'s rows, for a query of several things (an object and its counts)."""
    query = query.limit(per_page + 1).offset((number - 1) * per_page)
    rows = db.session.execute(query, execution_options=READS_ONLY).all()
    return page_of_rows(rows, number, per_page)
