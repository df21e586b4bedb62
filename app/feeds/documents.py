"""A feed as data: its title and links and its newest posts as entries, whatever the format.

posts_feed() takes any newest-first select of posts (a user's, everyone's, a tag's), so each
feed of the site is one call; app/feeds/formats.py writes the result as Atom or JSON Feed.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from app.database import READS_ONLY
from app.extensions import db
from app.i18n import html_lang
from app.main.text import linkify
from app.models import Post, User
from app.models.types import iso
from app.security import canonical_url_for

# XML 1.0 has no way to write these, not even escaped: one in a post would break the feed.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TITLE_LENGTH = 80
# An empty feed still needs an `updated` time: a fixed one keeps its ETag stable.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    name: str
    url: str


@dataclass(frozen=True)
class Entry:
    url: str  # the post's stable URL, also the entry's id
    title: str
    content_html: str
    content_text: str
    published: datetime
    updated: datetime
    author: Person
    language: str | None

    @property
    def published_iso(self) -> str:
        return iso(self.published)

    @property
    def updated_iso(self) -> str:
        return iso(self.updated)


@dataclass(frozen=True)
class Feed:
    title: str
    page_url: str  # the HTML page showing the same posts
    atom_url: str
    json_url: str
    language: str
    author: Person | None  # for a user's feed: the user
    entries: list[Entry]

    @property
    def updated(self) -> datetime:
        return max((entry.updated for entry in self.entries), default=NEVER)

    @property
    def updated_iso(self) -> str:
        return iso(self.updated)


def post_url(post_id: int, site_url: str | None = None) -> str:
    """The post's stable URL on the canonical origin: /post/<id>, the post's page
    (posts.post), built as a string: `site_url`, the site's root URL, is built once for a
    feed's many entries (tests/feeds check it is the page's address)."""
    return f"{site_url or canonical_url_for('main.front')}post/{post_id}"


def user_url(user: User) -> str:
    return canonical_url_for("main.user", username=user.username)


def xml_safe(text: str) -> str:
    """The text without the control characters no XML document may hold."""
    return NOT_IN_XML.sub("", text)


def absolute_links(html: str, site_url: str) -> str:
    """A post's HTML with its site-relative links (mentions, tags) made absolute: a feed
    reader has no page to resolve them against. `site_url` ends in a slash."""
    return html.replace('href="/', f'href="{site_url}')


def entry_title(text: str) -> str:
    """A post has no title: its first words on one line stand in for one."""
    line = " ".join(text.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"


def post_entry(post: Post, site_url: str, authors: dict[int, Person]) -> Entry:
    """The post as an entry; `authors` keeps each author's Person across a feed's entries."""
    text = xml_safe(post.body)
    author = authors.get(post.user_id)
    if author is None:
        author = authors[post.user_id] = Person(post.author.username, user_url(post.author))
    return Entry(
        url=post_url(post.id, site_url),
        title=entry_title(text),
        # As the pages show it: its Markdown's sanitised HTML, or (written before Markdown)
        # escaped, links made clickable, in one paragraph.
        content_html=absolute_links(xml_safe(post.body_html), site_url)
        if post.body_html
        else f"<p>{linkify(text)}</p>",
        content_text=text,
        published=post.timestamp,
        updated=post.edited_at or post.timestamp,
        author=author,
        language=post.language,
    )


def posts_feed(
    posts: Select, title: str, page_url: str, endpoint: str, author: User | None = None, **values
) -> Feed:
    """The feed of the newest FEED_POSTS of `posts` (a newest-first select of Post), titled in
    the reader's language; `endpoint` with `values` (and kind=atom|json) is the feed's URL."""
    newest = posts.options(joinedload(Post.author)).limit(current_app.config["FEED_POSTS"])
    found = db.session.execute(newest, execution_options=READS_ONLY).scalars()
    site_url = canonical_url_for("main.front")
    authors: dict[int, Person] = {}
    return Feed(
        title=xml_safe(title),
        page_url=page_url,
        atom_url=canonical_url_for(endpoint, kind="atom", **values),
        json_url=canonical_url_for(endpoint, kind="json", **values),
        language=html_lang(),
        author=Person(author.username, user_url(author)) if author else None,
        entries=[post_entry(post, site_url, authors) for post in found],
    )
