"""Accounts of other servers that a post being written mentions (@bob@host) and that the
site does not know yet: looked up with WebFinger before the post is written, so that the
mention is a link, the Note names them, and the post is delivered to them.

At most MAX_LOOKUPS a post, each with the fetch timeouts (FEDERATION_TIMEOUT): a post
naming many unknown accounts, or a dead server, cannot hold its writer for long. An account
that cannot be found stays plain text, and the post is written all the same.
"""

from flask import current_app
from sqlalchemy import select

from app.activitypub import negotiation
from app.activitypub.remote_actors import BadActor, look_up
from app.extensions import db
from app.federation.fetch import FetchError
from app.models import User
from app.models.post_text import PostText

MAX_LOOKUPS = 3


def unknown_accounts(body: str) -> list[str]:
    """The name@host the text mentions that no account here has, in order."""
    names = [name for name in PostText.parse(body).mentions() if "@" in name]
    if not names:
        return []
    known = set(db.session.scalars(select(User.username).where(User.username.in_(names))))
    return [name for name in names if name not in known]


def resolve_mentions(body: str) -> None:
    """Look up the accounts elsewhere that `body` mentions and the site does not know yet,
    remembering those found (the caller commits, with the post); nothing on a site that
    does not federate."""
    if not negotiation.federating():
        return
    for name in unknown_accounts(body)[:MAX_LOOKUPS]:
        try:
            look_up(name)
        except (FetchError, BadActor) as error:
            current_app.logger.info("Mention of %s left as text: %s", name, error)
