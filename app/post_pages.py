"""One page of each list of posts the site shows, from the book's queries.

The views ask post_pages() for a page; with SPEEDUPS on it is app/speedups/pages.py's,
which reads the same posts faster (tested equal to these), as plain rows.
"""

from typing import Any

from flask import current_app
from sqlalchemy import Select

from app.models import Post, User
from app.models.moderation import listed_conditions
from app.pagination import Page, paginate


class PostPages:
    """Pages of Post objects, newest first; each page as `reader` (a User, None for a visitor)
    sees it: without hidden posts, nor the authors they block or mute (listed_conditions)."""

    def timeline(self, user: User) -> Select:
        """The user's own posts and those of everyone they follow (the API pages it)."""
        return user.following_posts().where(*listed_conditions(user))

    def timeline_page(self, user: User, number: int, per_page: int) -> Page:
        return paginate(self.timeline(user), number, per_page)

    def explore_page(self, number: int, per_page: int, reader: Any = None) -> Page:
        return paginate(Post.newest_first(*listed_conditions(reader)), number, per_page)

    def front_page(self, per_page: int) -> Page:
        """The newest posts, shown to visitors on the front page."""
        return self.explore_page(1, per_page)

    def profile_page(self, user: User, number: int, per_page: int, reader: Any = None) -> Page:
        # Blocked or muted, a profile still lists its own posts (the page says blocked).
        hidden = listed_conditions(reader, authors=False)
        return paginate(user.posts_newest_first().where(*hidden), number, per_page)

    def search_page(self, query: str, number: int, per_page: int, reader: Any = None) -> Page:
        """The posts that contain every term of the query."""
        return paginate(Post.matching(query).where(*listed_conditions(reader)), number, per_page)


PLAIN = PostPages()


def post_pages() -> PostPages:
    """The app's pages of posts: the speed-ups' when they are installed, else the plain ones."""
    return current_app.extensions.get("microblog.post_pages", PLAIN)
