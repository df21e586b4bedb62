"""A list's posts, each one's article and action bar kept as one piece of markup per
everything they show, with the reader's CSRF token written into a hole afterwards.

Speeds up every list of posts (home, explore, profile, tag, search), where the article's
template and the bar's buttons (url_for, gettext, a macro per button) cost more than the
database (how much: benchmarks/README.md). The key is the page query's row (the post, its
author, its counts, edit time and image count: a post's images never change but for a remote
post's, which arrive once, with their count), the reader's like and boost of it, signed in
or not, the page to come back to, the language, relative time, translation target and script
root. The images are read only for a piece not kept yet. Breaks if main/_post.html or
reactions/_actions.html come to show anything else: tests/test_speedups.py compares the
pages both ways.
"""

from dataclasses import replace
from functools import partial

from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from app.reactions.bar import Reactions, reader_reactions
from app.reactions.bar import action_bar as render_bar
from app.speedups.articles import PIECE_CACHE_SIZE, article, article_keys, kept_pieces
from app.speedups.fragments import fill_holes, hole, markup_store, rendered_once

# Where the reader's CSRF token goes in a kept piece (fragments.py's holes): none is ever kept.
TOKEN_SLOT = hole("csrf")


def articles_with_bars(posts: list) -> Markup:
    """app/reactions/bar.py's articles_with_bars for a page query's rows, each article and
    its bar kept together, the token filled in once for the whole list."""
    reactions = reader_reactions(posts, reactions_in_rows(posts))
    page_key = (reactions.signed_in, reactions.back)
    article_keyed, targets = article_keys(posts)
    keys = [
        (*key, post.id in reactions.liked, post.id in reactions.boosted, *page_key)
        for post, key in zip(posts, article_keyed, strict=True)
    ]

    def render(post, images) -> Markup:
        return article(post, targets[post.id], images) + Markup("\n") + _bar(post, reactions)

    pieces = kept_pieces("articles_with_bars", posts, keys, render)
    return fill_holes(Markup("\n").join(pieces), {"csrf": reactions.csrf})


def reactions_in_rows(posts: list) -> tuple[set[int], set[int]] | None:
    """The likes and boosts the page query read with its rows (page_queries.READER_COLUMNS),
    when it read them for this reader."""
    if not posts or getattr(posts[0], "reactions_of", None) != getattr(current_user, "id", None):
        return None
    return {post.id for post in posts if post.liked}, {post.id for post in posts if post.boosted}


def reader_reactions_of_rows(posts: list) -> Reactions:
    """app/reactions/bar.py's reader_reactions, without its query for rows that carry them."""
    return reader_reactions(posts, reactions_in_rows(posts))


def _bar(post, reactions: Reactions) -> Markup:
    """The bar with this post's state alone and the stand-in for the token."""
    liked, boosted = post.id in reactions.liked, post.id in reactions.boosted
    alone = replace(
        reactions,
        liked={post.id} if liked else set(),
        boosted={post.id} if boosted else set(),
        csrf=TOKEN_SLOT if reactions.signed_in else "",
    )
    return render_bar(post, alone)


def action_bar(post, reactions: Reactions) -> Markup:
    """app/reactions/bar.py's action_bar (the post page's), kept per everything it shows."""
    kept = markup_store("action_bars")
    liked, boosted = post.id in reactions.liked, post.id in reactions.boosted
    key = (post.id, post.like_count, post.boost_count, post.hidden, liked, boosted,
           reactions.signed_in, reactions.back, str(get_locale()), request.script_root)  # fmt: skip
    render = partial(_bar, post, reactions)
    return fill_holes(rendered_once(kept, key, render, PIECE_CACHE_SIZE), {"csrf": reactions.csrf})


def init_app(app: Flask) -> None:
    app.jinja_env.globals["action_bar"] = action_bar
    app.jinja_env.globals["reader_reactions"] = reader_reactions_of_rows
    app.jinja_env.globals["articles_with_bars"] = articles_with_bars
