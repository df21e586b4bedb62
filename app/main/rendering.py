"""Times and post lists for the pages, computed with as little work per post as possible: a
page of posts is the app's hot path, and Babel and Jinja cost more there than the database.
"""

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache, partial

from babel.dates import TIMEDELTA_UNITS
from flask import current_app, request
from flask_babel import format_datetime, format_timedelta, get_locale
from markupsafe import Markup, escape
from sqlalchemy import Row

from app.fragments import keep, store
from app.models import utcnow
from app.models.avatar import avatar_url
from app.translate.targets import reader_language_for_translation, translation_target

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


def _relative_time(moment: datetime, locale: str, now: datetime | None = None) -> str:
    delta = moment - (now or utcnow())
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


# Past this many, the rendered posts are dropped and the busy ones rendered again.
ARTICLE_CACHE_SIZE = 5000


def post_articles(posts: Sequence[Row]) -> list[Markup]:
    """Each post's <article> (main/_post.html), for rows of a listing (app.models.listing).

    A post looks the same to every reader with the same language until its relative time
    changes, and the busiest pages show the same posts to everyone: each article is
    rendered once per everything it shows, then reused. That keeps the template's markup
    in a template while a page costs a dictionary lookup per post.
    """
    articles = store("post_articles")
    locale = str(get_locale())
    script_root = request.script_root
    reader_language = reader_language_for_translation()
    now = utcnow()
    html = []
    for post in posts:
        relative = _relative_time(post.timestamp, locale, now)
        translate_to = translation_target(post, reader_language)
        key = (*post, locale, relative, translate_to, script_root)
        render = partial(_render_article, post, locale, translate_to)
        html.append(keep(articles, key, render, ARTICLE_CACHE_SIZE))
    return html


def _render_article(post: Row, locale: str, translate_to: str | None) -> str:
    return current_app.jinja_env.get_template("main/_post.html").render(
        post=post,
        avatar=avatar_url(post.username, post.email, AVATAR_SIZE),
        when=time_ago(post.timestamp, locale),
        translate_to=translate_to,
    )
