"""One page of each list of posts the site shows, from the book's queries.

The views ask post_pages() for a page; with SPEEDUPS on it is app/speedups/pages.py's,
which reads the same posts faster (tested equal to these), as plain rows.
"""

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Select, select

from app.database import READS_ONLY
from app.extensions import db
from app.models import Post, Tag, User
from app.models.domain_block import not_silenced
from app.models.moderation import listed_conditions
from app.pagination import Page, page_of_rows, paginate, paginate_rows


@dataclass
class ThreadPage:
    """One page of a post's thread: the nearest of the posts it answers (oldest first), the
    post, and a page of the replies under it in reading order, each with its depth."""

    ancestors: list[Any]
    post: Any
    replies: Page
    depths: list[int]
    # The oldest ancestor shown, when older ones exist: its own page shows them.
    earlier: int | None


class PostPages:
    """Pages of Post objects, newest first; each page as `reader` (a User, None for a visitor)
    sees it: without hidden posts, nor the authors they block or mute (listed_conditions);
    the public lists (explore, search, tags) without silenced servers' posts either."""

    def timeline(self, user: User) -> Select:
        """The user's own posts and those of everyone they follow (the API pages it)."""
        return user.following_posts().where(*listed_conditions(user))

    def timeline_page(self, user: User, number: int, per_page: int) -> Page:
        """Each post with the name of who boosted it there (boosted_by, or None)."""
        page = paginate_rows(self.timeline(user), number, per_page)
        for post, boosted_by in page.items:
            post.boosted_by = boosted_by
        page.items = [post for post, _ in page.items]
        return page

    def explore_page(self, number: int, per_page: int, reader: Any = None) -> Page:
        listed = [*listed_conditions(reader), not_silenced(Post.user_id)]
        return paginate(Post.newest_first(*listed), number, per_page)

    def front_page(self, per_page: int) -> Page:
        """The newest posts, shown to visitors on the front page."""
        return self.explore_page(1, per_page)

    def profile_page(self, user: User, number: int, per_page: int, reader: Any = None) -> Page:
        # Blocked or muted, a profile still lists its own posts (the page says blocked).
        hidden = listed_conditions(reader, authors=False)
        return paginate(user.posts_newest_first().where(*hidden), number, per_page)

    def search_page(self, query: str, number: int, per_page: int, reader: Any = None) -> Page:
        """The posts that contain every term of the query."""
        listed = [*listed_conditions(reader), not_silenced(Post.user_id)]
        return paginate(Post.matching(query).where(*listed), number, per_page)

    def thread_page(
        self, post: Post, number: int, per_page: int, reader: Any = None
    ) -> ThreadPage | None:
        """Page `number` of the replies under `post`, below up to `per_page` of the posts it
        answers, less the hidden ones `reader` may not see; None if the post is gone
        meanwhile."""
        ancestors = self.ancestor_ids(post)
        shown = ancestors[-per_page:]
        start = (number - 1) * per_page
        # Paged after the hidden replies go: a page is never all hidden, nor one left short.
        keys = self.reply_tree(post, reader)
        tree = page_of_rows(keys[start : start + per_page + 1], number, per_page)
        found = self.posts_by_id([*shown, post.id, *(id_ for id_, _ in tree.items)], reader)
        if post.id not in found:
            return None
        found = {
            id_: each for id_, each in found.items() if id_ == post.id or shown_to(each, reader)
        }
        replies = [(found[id_], depth) for id_, depth in tree.items if id_ in found]
        return ThreadPage(
            ancestors=[found[id_] for id_ in shown if id_ in found],
            post=found[post.id],
            replies=Page([reply for reply, _ in replies], number, tree.has_next),
            depths=[depth for _, depth in replies],
            earlier=shown[0] if len(ancestors) > len(shown) else None,
        )

    def ancestor_ids(self, post: Post) -> list[int]:
        return post.ancestor_ids()

    def reply_tree(self, post: Post, reader: Any = None) -> list[tuple[int, int]]:
        return post.reply_tree(reader)

    def posts_by_id(self, ids: list[int], reader: Any = None) -> dict[int, Any]:
        """The posts `ids` (those that exist), by id (`reader`: whose likes and boosts of them
        the speed-ups' rows carry)."""
        query = select(Post).where(Post.id.in_(ids))
        return {post.id: post for post in db.session.scalars(query, execution_options=READS_ONLY)}

    def tag_page(self, tag: Tag, number: int, per_page: int, reader: Any = None) -> Page:
        """The posts carrying `tag` (less hidden ones, silenced servers' and those of authors
        `reader` blocks or mutes)."""
        listed = [*listed_conditions(reader), not_silenced(Post.user_id)]
        return paginate(Post.tagged(tag).where(*listed), number, per_page)


def shown_to(post: Any, reader: Any) -> bool:
    """Whether `reader` may see `post` (a Post, or a speed-up's row with its author's
    username): a hidden post only its author and the admins, as visible_post says."""
    if not post.hidden or getattr(reader, "is_admin", False):
        return True
    if isinstance(post, Post):
        return post.user_id == getattr(reader, "id", None)
    return post.username == getattr(reader, "username", None)


PLAIN = PostPages()


def post_pages() -> PostPages:
    """The app's pages of posts: the speed-ups' when they are installed, else the plain ones."""
    return current_app.extensions.get("microblog.post_pages", PLAIN)
