"""The lists of posts through the speed-ups' page queries: plain rows of each page's posts with
their authors' names, instead of Post objects.

Speeds up the timeline, explore, profile and search pages and the API's timeline (how much:
benchmarks/README.md). Breaks if a page here stops being the same as app/post_pages.py's:
tests/test_seed.py, tests/main/test_page_queries.py, tests/search/test_index.py and
tests/test_speedups.py compare every page of each.
"""

from typing import Any

from sqlalchemy import Select

from app.models import Post, User
from app.pagination import Page
from app.post_pages import PostPages
from app.speedups import page_queries, search
from app.speedups import timeline as merged


class FastPostPages(PostPages):
    def timeline(self, user: User) -> Select:
        return merged.timeline(user)

    def timeline_page(self, user: User, number: int, per_page: int) -> Page:
        return page_queries.timeline_page(user, number, per_page)

    def explore_page(self, number: int, per_page: int) -> Page:
        return page_queries.fetch_page(page_queries.explore_page_query(), number, per_page)

    def profile_page(self, user: User, number: int, per_page: int) -> Page:
        params = {"author": user.id}
        return page_queries.fetch_page(page_queries.author_page_query(), number, per_page, params)

    def search_page(self, query: str, number: int, per_page: int) -> Page:
        return search.search_page(query, number, per_page)

    def ancestor_ids(self, post: Post) -> list[int]:
        return page_queries.ancestor_ids(post)

    def reply_tree(self, post: Post) -> list[tuple[int, int]]:
        return page_queries.reply_tree(post)

    def posts_by_id(self, ids: list[int]) -> dict[int, Any]:
        return page_queries.rows_by_id(ids)
