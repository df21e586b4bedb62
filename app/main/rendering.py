"""Times, author links and post rows for the pages, computed with as little work per post as
possible: a page of posts is the app's hot path, and Babel, url_for and Jinja macro calls
cost more there than the database does.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from babel.dates import TIMEDELTA_UNITS
from flask import current_app, url_for
from flask_babel import format_datetime, format_timedelta, get_locale, gettext
from markupsafe import Markup, escape

from app.main.avatars import avatar_url, identicon_seed
from app.main.text import linkify
from app.models import Post, User, utcnow
from app.translate.routes import translation_target

# Babel's default: a unit is used once the time is at least this fraction of it.
THRESHOLD = 0.85
# The avatar's size in a post list, in CSS pixels.
AVATAR_SIZE = 48


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


def _relative_time(moment: datetime, locale: str) -> str:
    delta = moment - utcnow()
    key = (locale, *_timedelta_bucket(delta.total_seconds()))
    text = _relative_times.get(key)
    if text is None:
        if len(_relative_times) > 10_000:
            _relative_times.clear()
        text = _relative_times[key] = format_timedelta(delta, add_direction=True)
    return text


def relative_time(moment: datetime) -> str:
    """'3 days ago', like format_timedelta(moment - now), but formatted once per bucket."""
    return _relative_time(moment, str(get_locale()))


def _exact_time(moment: datetime, locale: str) -> str:
    # The same instant in another zone compares equal but prints differently: key on the zone.
    return _exact_time_in_zone(moment, moment.tzinfo, locale)


@lru_cache(maxsize=8192)
def _exact_time_in_zone(moment: datetime, zone, locale: str) -> str:
    return format_datetime(moment, "medium", rebase=False) + " UTC"


def exact_time(moment: datetime) -> str:
    """The full date and time, for a tooltip; the same post's time is formatted once."""
    return _exact_time(moment, str(get_locale()))


def time_ago(moment: datetime, locale: str | None = None) -> Markup:
    locale = locale or str(get_locale())
    # escape() and an f-string: Markup.format runs Python's string.Formatter, several times slower.
    exact, relative = _exact_time(moment, locale), _relative_time(moment, locale)
    return Markup(
        f'<time datetime="{escape(moment.isoformat())}" title="{escape(exact)}">'
        f"{escape(relative)}</time>"
    )


def url_builder(endpoint: str, argument: str) -> Callable[[str], str]:
    """url_for(endpoint, argument=value) for many values, with the route built only once.

    The value goes through the same converter werkzeug uses for a plain <argument>, so the
    result is the same string; url_for per value cost more than the rest of a post's row.
    """
    marker = "0url0builder0"
    prefix, _, suffix = url_for(endpoint, **{argument: marker}).partition(marker)
    to_url = current_app.url_map.converters["default"](current_app.url_map).to_url
    return lambda value: prefix + to_url(value) + suffix


@dataclass(frozen=True, slots=True)
class AuthorLinks:
    url: str
    popup_url: str
    avatar_url: str
    link: Markup


class AuthorLinker:
    """Each author's links, built once per page."""

    def __init__(self) -> None:
        self.profile = url_builder("main.user", "username")
        self.popup = url_builder("main.user_popup", "username")
        self.identicon = (
            None
            if current_app.config["AVATAR_PROVIDER"] == "gravatar"
            else url_builder("main.identicon", "seed")
        )
        self.authors: dict[int, AuthorLinks] = {}

    def __call__(self, user: User) -> AuthorLinks:
        links = self.authors.get(user.id)
        if links is None:
            links = self.authors[user.id] = self._build(user)
        return links

    def _build(self, user: User) -> AuthorLinks:
        url = self.profile(user.username)
        popup_url = self.popup(user.username)
        if self.identicon is None:
            avatar = avatar_url(user.username, user.email, AVATAR_SIZE)
        else:
            avatar = self.identicon(identicon_seed(user.username))
        return AuthorLinks(
            url=url,
            popup_url=popup_url,
            avatar_url=avatar,
            link=Markup(
                f'<a class="user-popup" href="{escape(url)}"\n'
                f'   data-popup="{escape(popup_url)}">{escape(user.username)}</a>'
            ),
        )


@dataclass(frozen=True, slots=True)
class PostRow:
    post: Post
    author: AuthorLinks
    byline: Markup
    body: Markup
    translate_to: str | None


def post_rows(posts: list[Post]) -> list[PostRow]:
    """What the post list (the post_list macro) shows for each post."""
    # As Jinja's _() does: the translation is trusted markup, the values are escaped.
    said = Markup(gettext("%(username)s said %(when)s"))
    locale = str(get_locale())
    links = AuthorLinker()
    rows = []
    for post in posts:
        author = links(post.author)
        byline = said % {"username": author.link, "when": time_ago(post.timestamp, locale)}
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
