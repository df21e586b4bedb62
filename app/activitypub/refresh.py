"""Remote actors fetched again when they are old: a profile changes (name, summary, icon),
a server moves its inboxes, an account gets a new key. An actor read longer ago than
FEDERATION_ACTOR_MAX_AGE seconds is fetched again the next time it is used (it sends us an
activity, or its profile is shown), in the background: on the RQ queue of its host, or a
thread of the app without Redis, never in the page's request. An Update of the actor
brings it up to date at once (handlers.update)."""

from datetime import timedelta

from flask import current_app

from app.activitypub.negotiation import federating
from app.activitypub.remote_actors import BadActor, fetch_actor
from app.extensions import db
from app.federation.background import run_claimed
from app.federation.fetch import FetchError
from app.jobs import job_app_context
from app.models import RemoteActor, User

# An actor that could not be fetched is tried again on a use at least this many seconds later.
RETRY_SECONDS = 3600


def is_stale(actor: RemoteActor) -> bool:
    """Whether the actor was read longer ago than FEDERATION_ACTOR_MAX_AGE."""
    return actor.is_stale(timedelta(seconds=current_app.config["FEDERATION_ACTOR_MAX_AGE"]))


def refresh_later(actor_uri: str) -> bool:
    """Fetch the actor again in the background (at most once in RETRY_SECONDS); whether it
    was asked for now."""
    claim = f"refresh-actor:{actor_uri}"
    return run_claimed(claim, RETRY_SECONDS, refresh_actor, actor_uri, url=actor_uri)


def refresh_if_stale(user: User) -> bool:
    """refresh_later for a remote user whose actor is old, on a site that federates: what a
    page showing them calls (after its commit, if any)."""
    actor = user.remote_actor if user.is_remote else None
    if actor is None or not federating() or not is_stale(actor):
        return False
    return refresh_later(actor.uri)


def refresh_actor(actor_uri: str) -> None:
    """The job: fetch the actor's document and remember what it says now."""
    with job_app_context():
        refresh(actor_uri)


def refresh(actor_uri: str) -> None:
    actor = RemoteActor.by_uri(actor_uri)
    if actor is None or not is_stale(actor):
        return  # gone, or fetched again meanwhile
    try:
        fetch_actor(actor_uri)
    except (FetchError, BadActor) as error:
        db.session.rollback()
        current_app.logger.info("Could not fetch %s again: %s", actor_uri, error)
        return
    db.session.commit()
