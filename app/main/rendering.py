"""Times and post lists for the pages, computed with as little work per post as possible: a
page of posts is the app's hot path, and Babel and Jinja cost more there than the database.
"""

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from babel.dates import TIMEDELTA_UNITS
from flask import current_app
from flask_babel import format_datetime, format_timedelta, get_locale
from markupsafe import Markup, escape

from app.models import PostImage, utcnow
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


def relative_time_at(moment: datetime, locale: str, now: datetime | None = None) -> str:
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
    return relative_time_at(moment, str(get_locale()))


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
    # escape() and an f-string, cheaper than Markup.format (Python's string.Formatter).
    exact, relative = _exact_time(moment, locale), relative_time_at(moment, locale)
    return Markup(
        f'<time datetime="{escape(moment.isoformat())}" title="{escape(exact)}">'
        f"{escape(relative)}</time>"
    )


def post_articles(posts: Sequence) -> list[Markup]:
    """Each post's <article> (main/_post.html), for a page of Post objects."""
    locale = str(get_locale())
    reader_language = reader_language_for_translation()
    images = images_of_page(posts)
    return [
        render_article(
            post,
            post.author,
            locale,
            translation_target(post, reader_language),
            images.get(post.id, ()),
        )
        for post in posts
    ]


def images_of_page(posts: Sequence) -> dict[int, list[PostImage]]:
    """The images of a page of posts (objects or page-query rows): one query, and none when
    no post of the page has any."""
    return PostImage.of_posts(post.id for post in posts if post.image_count)


def render_article(
    post, author, locale: str, translate_to: str | None, images: Sequence[PostImage] = ()
) -> Markup:
    """One post's <article>: `author` is anything with the author's username and email."""
    template = current_app.jinja_env.get_template("main/_post.html")
    return Markup(
        template.render(
            post=post,
            author=author,
            avatar=avatar_url(author.username, author.email, AVATAR_SIZE),
            when=time_ago(post.timestamp, locale),
            translate_to=translate_to,
            images=images,
        )
    )
