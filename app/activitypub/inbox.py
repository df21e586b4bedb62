"""What other servers POST to our inboxes: checked in the request (size, JSON, a server not
blocked, HTTP signature, the signer is the activity's actor, its server's rate limit, its
shape), answered 202, and handled in the background (app/federation/inbox_queue.py runs
handle_queued, which calls handlers.py) once per activity id; deliveries it causes (an
Accept) are queued after the commit. A sender whose actor is old is fetched again, in the
background too (refresh.py)."""

import json
from datetime import UTC, datetime

from flask import Flask, abort, current_app, request

from app.activitypub import handlers, remote_posts
from app.activitypub.domains import refuses
from app.activitypub.refresh import is_stale, refresh_later
from app.activitypub.remote_actors import BadActor, fetch_key_owner, origin, same_origin
from app.extensions import db
from app.federation.delivery import deliver
from app.federation.fetch import FetchError
from app.federation.inbox_queue import queue_activity, set_activity_handler
from app.federation.signatures import (
    BadSignature,
    SignatureError,
    UnknownKey,
    request_target,
    verify_request,
)
from app.models import InboxActivity, RemoteActor
from app.rate_limits import count_inbox_host

# Mastodon's own cap on an inbox's body.
MAX_BODY = 1024 * 1024


class Refused(Exception):
    """The delivery is not taken: the status says why (401, 403...)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def read_activity() -> dict:
    """The posted activity: 413 past MAX_BODY, 400 for anything but a JSON object."""
    if (request.content_length or 0) > MAX_BODY:
        abort(413)
    body = request.get_data(cache=True)
    if len(body) > MAX_BODY:
        abort(413)
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: [[[[… nested too deep
        abort(400, description="The body is not JSON.")
    if not isinstance(activity, dict):
        abort(400, description="The body is not a JSON object.")
    return activity


def object_id(value: object) -> str | None:
    """The id of an activity's actor or object, given as a string or an object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def is_self_deletion(activity: dict) -> bool:
    actor = object_id(activity.get("actor"))
    return (
        activity.get("type") == "Delete"
        and actor is not None
        and (object_id(activity.get("object")) == actor)
    )


class Keys:
    """verify_request's public_key_lookup: the key of the actor we know by the keyId, else
    (or with `refetch`) the key their server gives now; the actor it found stays here."""

    def __init__(self, refetch: bool = False) -> None:
        self.refetch = refetch
        self.fetched = False
        self.actor: RemoteActor | None = None

    def __call__(self, key_id: str) -> str:
        self.actor = None if self.refetch else RemoteActor.by_key_id(key_id)
        if self.actor is None:
            self.fetched = True
            try:
                self.actor = fetch_key_owner(key_id)
            except (FetchError, BadActor) as error:
                raise UnknownKey(f"the key {key_id!r} could not be had: {error}") from error
        return self.actor.public_key_pem


def signer() -> RemoteActor:
    """The remote actor whose key signed this request (a POST to an inbox, or a GET of a
    document when the site requires signed ones), fetched if unknown, and fetched again
    if the signature fails with the key we had (they may have a new one); Refused(401) for
    a request unsigned or badly signed."""
    method = request.method
    body = request.get_data(cache=True) if method == "POST" else None
    path, headers = request_target(request.environ), dict(request.headers)
    keys = Keys()
    try:
        try:
            verify_request(method, path, headers, body, keys, datetime.now(UTC))
        except BadSignature:
            if keys.fetched:
                raise
            keys = Keys(refetch=True)
            verify_request(method, path, headers, body, keys, datetime.now(UTC))
    except SignatureError as error:
        raise Refused(401, str(error)) from error
    assert keys.actor is not None
    return keys.actor


def accepted():
    return current_app.response_class(status=202)


def receive():
    """Take in the request's activity, for the shared inbox or a user's: 202 once it is queued
    to be handled, or was handled before; 4xx when it is refused, having changed nothing."""
    activity = read_activity()
    activity_id, actor_uri = object_id(activity.get("id")), object_id(activity.get("actor"))
    if activity_id is None or actor_uri is None or not isinstance(activity.get("type"), str):
        abort(400, description="An activity needs an id, a type and an actor.")
    if refuses(actor_uri):
        abort(403, description="This server does not take activities from yours.")
    if is_self_deletion(activity) and RemoteActor.by_uri(actor_uri) is None:
        return accepted()  # an account we never knew is gone: its key is gone with it
    try:
        sender = signer()
        if sender.uri != actor_uri:
            raise Refused(401, f"{sender.uri} signed an activity of {actor_uri}")
    except Refused as error:
        db.session.rollback()
        current_app.logger.info("Inbox refused %s: %s", activity_id, error)
        abort(error.status, description=str(error))
    count_inbox_host(origin(actor_uri)[1])
    activity["actor"] = actor_uri  # the handlers read an id, however it was given
    if not same_origin(activity_id, actor_uri):
        abort(400, description="The activity's id is not on its actor's server.")
    try:
        InboxActivity.check_id(activity_id)
        handlers.check(activity)
    except ValueError as error:  # handlers.Malformed too
        abort(400, description=str(error))
    seen = InboxActivity.seen(activity_id)
    stale = is_stale(sender)
    db.session.commit()  # the actor, if they were fetched (again)
    if not seen:
        queue_activity(activity)
    if stale:
        refresh_later(actor_uri)
    return accepted()


def handle_queued(activity: dict) -> bool:
    """Do what a queued activity says, once however often it is queued: True if done now.
    Its id is recorded in the transaction that does it, so a job tried again after a
    failure does it, and one tried again after a success (or a copy) does not."""
    sender = RemoteActor.by_uri(activity["actor"])
    if sender is None:
        # Deleted since, by a Delete of their account queued before this.
        current_app.logger.info("Not handling %s: its actor is gone", activity["id"])
        return False
    if not InboxActivity.first_time(activity["id"]):
        db.session.rollback()
        return False
    try:
        deliveries = handlers.handle(activity, sender.user)
    except handlers.Malformed as error:
        # Found wrong only now (a profile that cannot be used): dropped, once, and said so.
        db.session.rollback()
        current_app.logger.warning("Dropped %s: %s", activity["id"], error)
        InboxActivity.first_time(activity["id"])
        db.session.commit()
        return False
    db.session.commit()
    remote_posts.delete_if_crossed(activity)
    for delivery in deliveries:
        deliver(*delivery)
    return True


def init_app(app: Flask) -> None:
    set_activity_handler(app, handle_queued)
