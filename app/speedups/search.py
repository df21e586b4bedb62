"""The search page's query: on PostgreSQL, a page of matches is looked for among the newest
posts first.

Speeds up a search for a rare word on PostgreSQL over Post.matching() newest first, the plain
definition (how much: benchmarks/README.md); tests/search/test_index.py holds every page
equal to it. Breaks if the search index (migration 0004) goes: every match is then a scan.
"""

from typing import Any

from sqlalchemy import CTE, Subquery, select

from app.models import Post
from app.models.search import dialect_name, postgresql_conditions, search_terms
from app.pagination import Page
from app.speedups.page_queries import (
    fetch_page,
    filters_of,
    listed,
    newest_page_query,
    page_query,
    public,
    rows_to_read,
)

# PostgreSQL guesses that a word it has no statistics for is in a fixed small share of the
# posts, so to find the newest page of its matches it reads posts newest first until it has
# enough: for a word that no post holds, every post. So a search first looks among this many
# newest posts, which fills the first pages of any common word; when they hold too few
# matches, the search index finds every match and those are sorted.
NEWEST_POSTS_FIRST = 1000


def search_page(query: str, number: int, per_page: int, reader: Any = None) -> Page:
    """Page `number` of the posts that contain every term of the query, newest first, each
    with its author (a page query's rows, app/speedups/page_queries.py), as `reader` sees
    them (page_queries.filters_of)."""
    dialect = dialect_name()
    filters, params = filters_of(reader)
    conditions = [*listed(Post.id, Post.user_id, filters), public(Post.id)]
    if dialect != "postgresql":
        matches = Post.matching(query).where(*conditions)
        return fetch_page(page_query(matches, dialect), number, per_page, params)
    terms = search_terms(query)
    if rows_to_read(number, per_page) <= NEWEST_POSTS_FIRST:
        recent = newest_page_query(_matches_among_newest(terms, conditions), dialect)
        page = fetch_page(recent, number, per_page, params)
        # The newest posts come first in the order, so when their matches reach past the
        # page (a next row), the page is the same as among all posts.
        if page.has_next:
            return page
    every = newest_page_query(_every_match(terms, conditions), dialect)
    return fetch_page(every, number, per_page, params)


def _matches_among_newest(terms: list[str], conditions: list) -> Subquery:
    newest = (
        select(Post.id, Post.timestamp, Post.body)
        .where(*conditions)
        .order_by(Post.timestamp.desc(), Post.id.desc())
        .limit(NEWEST_POSTS_FIRST)
        .subquery("newest")
    )
    matching = postgresql_conditions(terms, newest.c.body)
    return select(newest.c.id, newest.c.timestamp).where(*matching).subquery("matches")


def _every_match(terms: list[str], conditions: list) -> CTE:
    # MATERIALIZED: planned on its own, without the page's order, the matches come from the
    # search index.
    matching = postgresql_conditions(terms, Post.body)
    matches = select(Post.id, Post.timestamp).where(*matching, *conditions)
    return matches.cte("matches").prefix_with("MATERIALIZED")
