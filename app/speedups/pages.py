"""The lists of posts through the speed-ups' page queries: plain rows of each page's posts with
their authors' names, instead of Post objects.

Speeds up the timeline, explore, profile, search and tag pages and the API's timeline (how much:
benchmarks/README.md). Breaks if a page here stops being the same as app/post_pages.py's:
tests/test_seed.py, tests/main/test_page_queries.py, tests/search/test_index.py and
tests/test_speedups.py compare every page of each.
"""

from typing import Any

from sqlalchemy import Select

from app.models import Post, Tag, User
from app.pagination import Page
from app.post_pages import PostPages
from app.speedups import page_queries, search, threads, timeline_pages
from app.speedups import timeline as merged


class FastPostPages(PostPages):
    def timeline(self, user: User) -> Select:
        return merged.timeline(user)

    def timeline_page(self, user: User, number: int, per_page: int) -> Page:
        return timeline_pages.timeline_page(user, number, per_page)

    def explore_page(self, number: int, per_page: int, reader: Any = None) -> Page:
        filters, params = page_queries.filters_of(reader)
        query = page_queries.explore_page_query(filters)
        return page_queries.fetch_page(query, number, per_page, params)

    def profile_page(self, user: User, number: int, per_page: int, reader: Any = None) -> Page:
        (hide, _), params = page_queries.filters_of(reader)
        query = page_queries.author_page_query((hide, False))
        return page_queries.fetch_page(query, number, per_page, {"author": user.id, **params})

    def search_page(self, query: str, number: int, per_page: int, reader: Any = None) -> Page:
        return search.search_page(query, number, per_page, reader)

    def ancestor_ids(self, post: Post) -> list[int]:
        return threads.ancestor_ids(post)

    def reply_tree(self, post: Post, reader: Any = None) -> list[tuple[int, int]]:
        return threads.reply_tree(post, reader)

    def posts_by_id(self, ids: list[int], reader: Any = None) -> dict[int, Any]:
        return threads.rows_by_id(ids, reader)

    def tag_page(self, tag: Tag, number: int, per_page: int, reader: Any = None) -> Page:
        filters, params = page_queries.filters_of(reader)
        query = page_queries.tag_page_query(filters)
        return page_queries.fetch_page(query, number, per_page, {"tag": tag.id, **params})
