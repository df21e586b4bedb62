"""The action bar under each post: which of a page's posts the reader liked and boosted,
found in one query, for the buttons rendered per reader outside the shared article cache."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import request
from flask_login import current_user


@dataclass
class Reactions:
    """The reader's likes and boosts among a page's posts, and the page to come back to."""

    signed_in: bool
    back: str
    liked: set[int] = field(default_factory=set)
    boosted: set[int] = field(default_factory=set)


def reader_reactions(posts: Iterable) -> Reactions:
    """The reader's likes and boosts of these posts (post objects or page rows): one query,
    none for a visitor."""
    back = request.full_path.rstrip("?")
    if not current_user.is_authenticated:
        return Reactions(False, back)
    liked, boosted = current_user.reactions_to(post.id for post in posts)
    return Reactions(True, back, liked, boosted)
