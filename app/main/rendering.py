"""Times, author links and post rows for the pages, computed with as little work per post as
possible: a page of posts is the app's hot path, and Babel, url_for and Jinja macro calls
cost more there than the database does.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from babel.dates import TIMEDELTA_UNITS
from flask import url_for
from flask_babel import format_datetime, format_timedelta, get_locale, gettext
from markupsafe import Markup

from app.main.avatars import avatar_url
from app.main.text import linkify
from app.models import Post, User, utcnow
from app.translate.routes import translation_target

# Babel's default: a unit is used once the time is at least this fraction of it.
THRESHOLD = 0.85
USER_LINK = Markup('<a class="user-popup" href="{0}"\n   data-popup="{1}">{2}</a>')
TIME_AGO = Markup('<time datetime="{0}" title="{1}">{2}</time>')


def _timedelta_bucket(seconds: float) -> tuple[str, int, bool]:
    """What Babel's format_timedelta prints depends only on the unit it picks, the rounded
    number of those units and the direction; this computes those three the same way."""
    size = abs(seconds)
    for unit, unit_seconds in TIMEDELTA_UNITS:
        value = size / unit_seconds
        if value >= THRESHOLD or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            return unit, int(round(value)), seconds >= 0
    raise AssertionError("the loop always returns at the 'second' unit")


# A few hundred buckets per locale exist (up to ~60 seconds, minutes, hours, days, weeks,
# months, and the years posts have been written in).
_relative_times: dict[tuple, str] = {}


def relative_time(moment: datetime) -> str:
    """'3 days ago', like format_timedelta(moment - now), but formatted once per bucket."""
    delta = moment - utcnow()
    key = (str(get_locale()), *_timedelta_bucket(delta.total_seconds()))
    text = _relative_times.get(key)
    if text is None:
        if len(_relative_times) > 10_000:
            _relative_times.clear()
        text = _relative_times[key] = format_timedelta(delta, add_direction=True)
    return text


@lru_cache(maxsize=8192)
def _exact_time(moment: datetime, locale: str) -> str:
    return format_datetime(moment, "medium", rebase=False) + " UTC"


def exact_time(moment: datetime) -> str:
    """The full date and time, for a tooltip; the same post's time is formatted once."""
    return _exact_time(moment, str(get_locale()))


def time_ago(moment: datetime) -> Markup:
    return TIME_AGO.format(moment.isoformat(), exact_time(moment), relative_time(moment))


@dataclass(frozen=True, slots=True)
class AuthorLinks:
    url: str
    popup_url: str
    avatar_url: str
    link: Markup


def author_links(user: User) -> AuthorLinks:
    url = url_for("main.user", username=user.username)
    popup_url = url_for("main.user_popup", username=user.username)
    return AuthorLinks(
        url=url,
        popup_url=popup_url,
        avatar_url=avatar_url(user.username, user.email, 48),
        link=USER_LINK.format(url, popup_url, user.username),
    )


@dataclass(frozen=True, slots=True)
class PostRow:
    post: Post
    author: AuthorLinks
    byline: Markup
    body: Markup
    translate_to: str | None


def post_rows(posts: list[Post]) -> list[PostRow]:
    """What the post list shows for each post, with each author's links built once a page."""
    # As Jinja's _() does: the translation is trusted markup, the values are escaped.
    said = Markup(gettext("%(username)s said %(when)s"))
    authors: dict[int, AuthorLinks] = {}
    rows = []
    for post in posts:
        author = authors.get(post.user_id)
        if author is None:
            author = authors[post.user_id] = author_links(post.author)
        byline = said % {"username": author.link, "when": time_ago(post.timestamp)}
        rows.append(
            PostRow(
                post=post,
                author=author,
                byline=byline,
                body=linkify(post.body),
                translate_to=translation_target(post),
            )
        )
    return rows
