"""Each post's <article> rendered once per everything it shows, then reused.

Speeds up every list of posts (timeline, explore, profile, search, thread), where rendering
each post's template costs more than the database (how much: benchmarks/README.md). A post
looks the same to every reader with the same language until its relative time changes, so
the key is the page query's row (its edit time and image count included: a post's images
never change but for a remote post's, which arrive with their count, or with an edit of its
Note, which sets its edit time again when they are stored) plus those; only
the posts not kept yet read their images, in one query. Breaks if main/_post.html comes to
show anything else (the reader, the CSRF token): tests/test_speedups.py renders both ways
and compares.
"""

from collections.abc import Callable, Sequence

from flask import Flask, request
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import Row

from app.main.rendering import images_of_page, relative_time_at, render_article
from app.models import utcnow
from app.speedups.fragments import markup_store
from app.speedups.page_queries import shared_columns
from app.translate.targets import reader_language_for_translation, translation_target

# Past this many, the kept pieces of a store are dropped and the busy ones rendered again.
PIECE_CACHE_SIZE = 5000


def article_keys(posts: Sequence[Row]) -> tuple[list[tuple], dict[int, str | None]]:
    """Each post's key (everything its article shows), and by post id the language its
    article offers a translation into."""
    locale = str(get_locale())
    script_root = request.script_root
    reader_language = reader_language_for_translation()
    now = utcnow()
    keys, targets = [], {}
    for post in posts:
        relative = relative_time_at(post.timestamp, locale, now)
        translate_to = targets[post.id] = translation_target(post, reader_language)
        keys.append((*shared_columns(post), locale, relative, translate_to, script_root))
    return keys, targets


def article(post: Row, translate_to: str | None, images: Sequence) -> Markup:
    # A page query's row carries its author's username and email.
    return render_article(post, post, str(get_locale()), translate_to, images)


def kept_pieces(
    store: str, posts: Sequence[Row], keys: Sequence[tuple], render: Callable[..., Markup]
) -> list[Markup]:
    """The piece kept under each post's key in `store`; the missing ones made by
    render(post, images), their images read in one query."""
    kept = markup_store(store)
    found: list[Markup | None] = [kept.get(key) for key in keys]
    missing = [n for n, piece in enumerate(found) if piece is None]
    if missing:
        images = images_of_page([posts[n] for n in missing])
        made = {n: render(posts[n], images.get(posts[n].id, ())) for n in missing}
        if len(kept) + len(made) > PIECE_CACHE_SIZE:
            kept.clear()
        if len(made) <= PIECE_CACHE_SIZE:
            kept.update((keys[n], piece) for n, piece in made.items())
        found = [made.get(n, piece) for n, piece in enumerate(found)]
    return [piece for piece in found if piece is not None]


def post_articles(posts: Sequence[Row]) -> list[Markup]:
    """app/main/rendering.py's post_articles, for a page query's rows (page_queries.py)."""
    keys, targets = article_keys(posts)

    def render(post: Row, images: Sequence) -> Markup:
        return article(post, targets[post.id], images)

    return kept_pieces("post_articles", posts, keys, render)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["post_articles"] = post_articles
