"""Each post's <article> rendered once per everything it shows, then reused.

Speeds up every list of posts (timeline, explore, profile, search), where rendering each
post's template costs more than the database (how much: benchmarks/README.md). A post
looks the same to every reader with the same language until its relative time changes, so
the key is the page query's row plus those and its images (one query for the page);
breaks if main/_post.html comes to show anything
else (the reader, the CSRF token): tests/test_speedups.py renders both ways and compares.
"""

from collections.abc import Sequence
from functools import partial

from flask import Flask, request
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import Row

from app.main.rendering import images_of_page, relative_time_at, render_article
from app.models import utcnow
from app.speedups.fragments import markup_store, rendered_once
from app.translate.targets import reader_language_for_translation, translation_target

# Past this many, the rendered posts are dropped and the busy ones rendered again.
ARTICLE_CACHE_SIZE = 5000


def post_articles(posts: Sequence[Row]) -> list[Markup]:
    """app/main/rendering.py's post_articles, for a page query's rows (page_queries.py),
    each article kept under the row, the language, its relative time and its link target."""
    articles = markup_store("post_articles")
    locale = str(get_locale())
    script_root = request.script_root
    reader_language = reader_language_for_translation()
    now = utcnow()
    images = images_of_page(posts)
    html = []
    for post in posts:
        relative = relative_time_at(post.timestamp, locale, now)
        translate_to = translation_target(post, reader_language)
        shown = images.get(post.id, ())
        pictures = tuple(
            (i.key, i.thumbnail_key, i.thumbnail_width, i.thumbnail_height, i.alt) for i in shown
        )
        key = (*post, locale, relative, translate_to, script_root, pictures)
        # A page query's row carries its author's username and email.
        render = partial(render_article, post, post, locale, translate_to, shown)
        html.append(rendered_once(articles, key, render, ARTICLE_CACHE_SIZE))
    return html


def init_app(app: Flask) -> None:
    app.jinja_env.globals["post_articles"] = post_articles
