"""Reading a paginated listing to its end, as a reader clicking "Older posts" would."""

from collections.abc import Callable

from app.pagination import Page


def every_row(page_of: Callable[[int], Page]) -> list:
    """The rows of pages 1, 2, … as `page_of(number)` returns them, up to the page with no next."""
    rows, page = [], Page(items=[], number=0, has_next=True)
    while page.has_next:
        page = page_of(page.number + 1)
        rows += page.items
    return rows
