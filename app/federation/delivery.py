"""Activities delivered to other servers' inboxes, signed at send time.

deliver() queues one job per inbox, on an RQ queue per destination host
(FEDERATION_QUEUE_PREFIX + host), so that a dead server's deliveries wait in its own queue
and never in front of anyone else's; a failed delivery is tried again after each of
FEDERATION_RETRY_INTERVALS. Without REDIS_URL (or with Redis down) deliveries run once on a
small thread pool of this process. The job carries the sender's id, not their key: the key
is looked up when the request is signed, through the loader registered with set_key_loader.
Nothing is queued for, or sent to, a host the site refuses (hosts.py).
"""

import json
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app

from app.federation.fetch import (
    AddressNotAllowed,
    FetchError,
    Policy,
    URLNotAllowed,
    send,
)
from app.federation.hosts import host_of
from app.federation.signatures import sign_request
from app.jobs import job_app_context

CONTENT_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
USER_AGENT = "microblog (+https://github.com/miguelgrinberg/microblog)"
# A delivery still running after this many seconds is killed (and tried again later).
JOB_TIMEOUT = 120
# Failed deliveries stay in each host's failed registry this long, to be looked at.
FAILED_TTL = 7 * 24 * 3600
# Statuses that say "try later"; any other 4xx is final (410 Gone, 401, 403, 404...).
TRANSIENT = {408, 425, 429}


class SigningKey(NamedTuple):
    key_id: str
    private_key_pem: str


class DeliveryFailed(Exception):
    """The inbox did not take the activity this time (RQ will try again)."""


def set_key_loader(app: Flask, loader: Callable[[Any], SigningKey | None]) -> None:
    """Register how a sender's id becomes the key that signs their deliveries (None: the
    sender is gone, and their deliveries are dropped)."""
    app.extensions["federation_key_loader"] = loader


def deliver(activity: dict[str, Any], inboxes: Iterable[str], sender_id: Hashable) -> list[str]:
    """Queue `activity` for each inbox, once each (followers share a sharedInbox), less
    those of refused hosts; the inboxes queued."""
    targets = unique_inboxes(inboxes)
    refused_hosts = Policy.from_app().refused_hosts
    refused = refused_hosts({host_of(inbox) for inbox in targets}) if refused_hosts else set()
    targets = [inbox for inbox in targets if host_of(inbox) not in refused]
    if targets:
        current_app.extensions["federation_runner"].submit(activity, targets, sender_id)
    return targets


def unique_inboxes(inboxes: Iterable[str]) -> list[str]:
    """The http(s) inboxes, each once (scheme and host compared without case), in order."""
    unique: dict[str, None] = {}
    for inbox in inboxes:
        parts = urlsplit(inbox.strip())
        if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
            current_app.logger.warning("Not delivering to %r: not an http(s) URL", inbox)
            continue
        normal = parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower())
        unique[urlunsplit(normal)] = None
    return list(unique)


def queue_name(prefix: str, inbox: str) -> str:
    """The RQ queue of the inbox's host (with its port, if any)."""
    return prefix + host_of(inbox)


def deliver_to_inbox(activity: dict[str, Any], inbox: str, sender_id: Hashable) -> None:
    """The RQ job: one POST, raising DeliveryFailed when it is worth trying again."""
    with job_app_context():
        post_activity(activity, inbox, sender_id)


def post_activity(activity: dict[str, Any], inbox: str, sender_id: Hashable) -> bool:
    """POST the activity, signed by the sender; True if the inbox took it, False if it
    refused it for good; DeliveryFailed if it may take it later."""
    app = current_app
    key = app.extensions["federation_key_loader"](sender_id)
    if key is None:
        app.logger.info("Not delivering to %s: sender %r has no key", inbox, sender_id)
        return False
    body = json.dumps(activity).encode()
    headers = {"Content-Type": CONTENT_TYPE, "Accept": "*/*", "User-Agent": USER_AGENT}
    headers = sign_request("POST", inbox, headers, body, key.key_id, key.private_key_pem)
    try:
        response = send("POST", inbox, headers, body, read_body=False)
    except (URLNotAllowed, AddressNotAllowed) as error:
        app.logger.warning("Not delivering to %s: %s", inbox, error)
        return False
    except FetchError as error:
        raise DeliveryFailed(str(error)) from error
    status = response.status_code
    if 200 <= status < 300:
        return True
    if status >= 500 or status in TRANSIENT:
        raise DeliveryFailed(f"{inbox} answered {status}")
    app.logger.warning("%s refused a delivery from %r with %s", inbox, sender_id, status)
    return False


class ThreadDeliveries:
    """Each delivery tried once, on a small pool of this process: no Redis needed."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(4, thread_name_prefix="federation")

    def submit(self, activity: dict[str, Any], inboxes: list[str], sender_id: Hashable) -> None:
        futures = [self.executor.submit(self._run, activity, inbox, sender_id) for inbox in inboxes]
        if self.app.testing:
            # Tests see every delivery done when deliver() returns: nothing races.
            wait(futures)

    def _run(self, activity: dict[str, Any], inbox: str, sender_id: Hashable) -> None:
        with self.app.app_context():
            try:
                post_activity(activity, inbox, sender_id)
            except Exception:
                # Without Redis there is no later try: the failure is logged, not lost silently.
                self.app.logger.exception("Could not deliver to %s", inbox)


class RQDeliveries:
    """One job per inbox on the RQ queue of its host, retried with growing intervals."""

    def __init__(self, app: Flask) -> None:
        from redis import Redis

        self.app = app
        self.connection = Redis.from_url(app.config["REDIS_URL"])
        self.prefix = app.config["FEDERATION_QUEUE_PREFIX"]
        self.intervals = app.config["FEDERATION_RETRY_INTERVALS"]
        self.fallback = ThreadDeliveries(app)

    def submit(self, activity: dict[str, Any], inboxes: list[str], sender_id: Hashable) -> None:
        from redis.exceptions import RedisError
        from rq import Queue, Retry

        try:
            # One round trip for every inbox, however many.
            with self.connection.pipeline() as pipeline:
                for inbox in inboxes:
                    queue = Queue(queue_name(self.prefix, inbox), connection=self.connection)
                    queue.enqueue(
                        deliver_to_inbox,
                        activity,
                        inbox,
                        sender_id,
                        retry=Retry(max=len(self.intervals), interval=self.intervals),
                        job_timeout=JOB_TIMEOUT,
                        result_ttl=0,
                        failure_ttl=FAILED_TTL,
                        # Not RQ's default (the call's repr): the activity once per job is enough.
                        description=f"deliver to {inbox}",
                        pipeline=pipeline,
                    )
                pipeline.execute()
        except RedisError:
            self.app.logger.warning("Redis is unreachable: delivering from this process")
            self.fallback.submit(activity, inboxes, sender_id)


def init_app(app: Flask) -> None:
    runner = RQDeliveries(app) if app.config["REDIS_URL"] else ThreadDeliveries(app)
    app.extensions["federation_runner"] = runner
    app.extensions.setdefault("federation_key_loader", no_key_loader)


def no_key_loader(sender_id: Hashable) -> None:
    """Until set_key_loader is called: nothing can be signed, so nothing is sent."""
    current_app.logger.warning("No key loader is registered (set_key_loader): nothing is sent")
