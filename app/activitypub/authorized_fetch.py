"""Signed GETs of the site's ActivityPub documents (Mastodon's "authorized fetch"): with
ACTIVITYPUB_AUTHORIZED_FETCH on, the collections and Notes are served only to a request
signed by a remote actor whose key verifies, checked as the inbox checks deliveries
(inbox.signer); an unsigned or badly signed request gets a 401, one signed by a suspended
account a 403, and past FETCH_HOST_RATE_LIMIT signed requests of one server a 429.

Open to anyone still: discovery (WebFinger, host-meta, NodeInfo), the site's own actor
(/actor), and each user's actor cut down to what checking their signatures needs: a server
cannot sign the fetch of the key it checks our signature with. The pages for people are as
public as PUBLIC_TIMELINE makes them: this guards the ActivityPub documents, not the site.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, request

from app.activitypub.inbox import Refused, signer
from app.activitypub.remote_actors import origin
from app.extensions import db
from app.models import RemoteActor
from app.rate_limits import count_fetch_host

# What an unsigned request still reads of a user's actor (as Mastodon leaves it).
OPEN_ACTOR_FIELDS = ("@context", "id", "type", "preferredUsername", "inbox", "outbox",
                     "endpoints", "publicKey")  # fmt: skip


def required() -> bool:
    return bool(current_app.config["ACTIVITYPUB_AUTHORIZED_FETCH"])


def signed_by() -> RemoteActor | None:
    """The remote actor who signed this request; None for a request unsigned or badly
    signed. Checked once a request."""
    if "activitypub_signer" not in g:
        g.activitypub_signer = check_signature()
    return g.activitypub_signer


def check_signature() -> RemoteActor | None:
    try:
        actor = signer()
    except Refused as error:
        db.session.rollback()
        current_app.logger.info("Unsigned fetch of %s: %s", request.path, error)
        return None
    db.session.commit()  # the signer's actor, if it was fetched just now
    count_fetch_host(origin(actor.uri)[1])
    return actor


def allowed() -> bool:
    """Whether this request may read the documents: always, unless the site requires a
    signature, then only signed by an account that is not suspended."""
    if not required():
        return True
    actor = signed_by()
    return actor is not None and not actor.user.is_suspended


def require_signature() -> None:
    """abort(401), or 403 for a suspended account, unless this request may read."""
    if allowed():
        return
    if signed_by() is None:
        abort(401, description="This server answers only signed requests (authorized fetch).")
    abort(403)


def signature_required(view: Callable) -> Callable:
    """A view of ActivityPub documents that require_signature() guards."""

    @wraps(view)
    def guarded(*args, **kwargs):
        require_signature()
        return view(*args, **kwargs)

    return guarded


def open_actor(document: dict) -> dict:
    """A user's actor as an unsigned request reads it when signatures are required."""
    return {name: document[name] for name in OPEN_ACTOR_FIELDS if name in document}
