"""Paginated collections: {"items", "_meta", "_links"}, as the tutorial's to_collection_dict."""

from collections.abc import Callable, Sequence
from typing import Any

from flask import url_for
from sqlalchemy import Select, func, select
from sqlalchemy.sql.base import ExecutableOption

from app.api.inputs import page_arguments
from app.extensions import db
from app.pagination import paginate, paginate_rows


def count(query: Select) -> int:
    """How many rows `query` has: one statement, whatever it selects from."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def collection(
    query: Select,
    to_dict: Callable[[Any], dict],
    endpoint: str,
    loading: Sequence[ExecutableOption] = (),
    rows: bool = False,
    **view_args: Any,
) -> dict:
    """One page of `query`'s objects as a collection, with links to this page and its
    neighbours; with `rows`, to_dict gets each whole row (an object and what comes with it).

    `loading` holds the options that load what to_dict reads in the page's own statement.
    """
    number, per_page = page_arguments()
    total = count(query)
    page = (paginate_rows if rows else paginate)(query.options(*loading), number, per_page)

    def link(to: int) -> str:
        return url_for(endpoint, page=to, per_page=per_page, **view_args)

    return {
        "items": [to_dict(item) for item in page.items],
        "_meta": {
            "page": number,
            "per_page": per_page,
            "total_pages": -(-total // per_page),
            "total_items": total,
            "has_next": page.has_next,
        },
        "_links": {
            "self": link(number),
            "next": link(page.next_num) if page.has_next else None,
            "prev": link(page.prev_num) if page.has_prev else None,
        },
    }
