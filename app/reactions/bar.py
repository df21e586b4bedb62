"""The action bar under each post: which of a page's posts the reader liked and boosted,
found in one query, for the buttons rendered per reader outside the shared article cache."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from flask import current_app, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.main.rendering import post_articles


@dataclass
class Reactions:
    """The reader's likes and boosts among a page's posts, the page to come back to and, for a
    signed-in reader, the CSRF token of the buttons."""

    signed_in: bool
    back: str
    liked: set[int] = field(default_factory=set)
    boosted: set[int] = field(default_factory=set)
    csrf: str = ""


def reader_reactions(posts: Iterable, found: tuple[set[int], set[int]] | None = None) -> Reactions:
    """The reader's likes and boosts of these posts (post objects or page rows): one query,
    none for a visitor, nor when they are `found` already."""
    back = request.full_path.rstrip("?")
    if not current_user.is_authenticated:
        return Reactions(False, back)
    liked, boosted = found or current_user.reactions_to(post.id for post in posts)
    return Reactions(True, back, liked, boosted, generate_csrf())


def action_bar(post, reactions: Reactions) -> Markup:
    """The bar under one post (reactions/_actions.html): `post` is anything with the post's
    id, like_count and boost_count."""
    template = current_app.jinja_env.get_template("reactions/_actions.html")
    return Markup(template.module.action_bar(post, reactions))  # type: ignore[attr-defined]


def action_bars(posts: list, reactions: Reactions) -> list[Markup]:
    """The bar under each of a page's posts, in order."""
    return [action_bar(post, reactions) for post in posts]


def articles_with_bars(posts: list) -> Markup:
    """A list's posts: each one's article (the same for every reader), then its action bar
    (the reader's)."""
    articles = post_articles(posts)
    bars = action_bars(posts, reader_reactions(posts))
    return Markup("\n").join(chain.from_iterable(zip(articles, bars, strict=True)))
