"""A post's @mentions: whom they alert, and its HTML, whose mentions link to the users."""

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from app.extensions import db

# A mention alerts none who block or mute its author, nor those who block its server.
from app.models.alert import ACTORS, BLOCKS, DOMAIN_BLOCKS, USERS
from app.models.post_text import PostText


def mentioned_ids(names: list[str], author_id: int) -> list[int]:
    """The ids of the users called `names` (normalised usernames) that exist, less those who
    block or mute `author_id`, or block their server."""
    if not names:
        return []
    turned_away = (
        select(BLOCKS.c.user_id)
        .where(BLOCKS.c.target_id == author_id)
        .union_all(
            select(DOMAIN_BLOCKS.c.user_id)
            .join(ACTORS, ACTORS.c.domain == DOMAIN_BLOCKS.c.domain)
            .where(ACTORS.c.user_id == author_id)
        )
    )
    query = select(USERS.c.id).where(USERS.c.username.in_(names), USERS.c.id.not_in(turned_away))
    return list(db.session.scalars(query))


def render_body(text: PostText) -> str:
    """The post's HTML: its mentions link to the users that exist, its tags to their pages."""
    names = text.mentions()
    query = select(USERS.c.username).where(USERS.c.username.in_(names))
    users = set(db.session.scalars(query)) if names else set()
    return text.html(
        users,
        lambda name: site_path("main.user", username=name),
        lambda name: site_path("tags.tag", name=name),
    )


def site_path(endpoint: str, **values) -> str:
    """The path of a page, in a request or outside one (`flask seed`, a shell)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)
