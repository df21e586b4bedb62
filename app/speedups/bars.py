"""Each post's action bar (reactions/_actions.html) rendered once per everything it shows,
with the reader's CSRF token written into a hole afterwards (app/speedups/fragments.py).

Speeds up every list of posts, where the bar's buttons (url_for, gettext, a macro per button)
cost as much as a cached article (how much: benchmarks/README.md). The key is the post's id
and counts, the reader's like and boost of it, signed in or not, the page to come back to,
the language and script root; the kept markup holds a stand-in for the token. Breaks if the
macro comes to show anything else: tests/test_speedups.py compares the pages both ways.
"""

from dataclasses import replace
from functools import partial

from flask import Flask, request
from flask_babel import get_locale
from markupsafe import Markup

from app.reactions.bar import Reactions
from app.reactions.bar import action_bar as render_bar
from app.speedups.fragments import fill_holes, hole, markup_store, rendered_once

# Past this many, the kept bars are dropped and the busy ones rendered again.
BAR_CACHE_SIZE = 5000
# Where the reader's CSRF token goes in a kept bar (fragments.py's holes): none is ever kept.
TOKEN_SLOT = hole("csrf")


def action_bars(posts: list, reactions: Reactions) -> list[Markup]:
    """app/reactions/bar.py's action_bars, each bar kept per everything it shows; what the
    page's bars share is found once."""
    kept = markup_store("action_bars")
    page_key = (reactions.signed_in, reactions.back, str(get_locale()), request.script_root)
    token = {"csrf": reactions.csrf}
    bars = []
    for post in posts:
        liked, boosted = post.id in reactions.liked, post.id in reactions.boosted
        key = (post.id, post.like_count, post.boost_count, liked, boosted, *page_key)
        bar = kept.get(key)
        if bar is None:
            bar = rendered_once(kept, key, partial(_alone, post, reactions), BAR_CACHE_SIZE)
        bars.append(fill_holes(bar, token))
    return bars


def _alone(post, reactions: Reactions) -> str:
    """The bar with this post's state alone, and the stand-in for the token."""
    liked, boosted = post.id in reactions.liked, post.id in reactions.boosted
    alone = replace(
        reactions,
        liked={post.id} if liked else set(),
        boosted={post.id} if boosted else set(),
        csrf=TOKEN_SLOT if reactions.signed_in else "",
    )
    return render_bar(post, alone)


def action_bar(post, reactions: Reactions) -> Markup:
    """app/reactions/bar.py's action_bar, kept per everything it shows."""
    return action_bars([post], reactions)[0]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["action_bar"] = action_bar
    app.jinja_env.globals["action_bars"] = action_bars
