"""Paginated collections: {"items", "_meta", "_links"}, never counting the whole result."""

from collections.abc import Callable
from typing import Any

from flask import url_for
from sqlalchemy import Select

from app.api.inputs import page_arguments
from app.pagination import paginate


def collection(
    query: Select, to_dict: Callable[[Any], dict], endpoint: str, **view_args: Any
) -> dict:
    """One page of `query`'s rows as a collection, with links to this page and its neighbours."""
    number, per_page = page_arguments()
    page = paginate(query, number, per_page)

    def link(to: int) -> str:
        return url_for(endpoint, page=to, per_page=per_page, **view_args)

    return {
        "items": [to_dict(item) for item in page.items],
        "_meta": {"page": number, "per_page": per_page, "has_next": page.has_next},
        "_links": {
            "self": link(number),
            "next": link(page.next_num) if page.has_next else None,
            "prev": link(page.prev_num) if page.has_prev else None,
        },
    }
