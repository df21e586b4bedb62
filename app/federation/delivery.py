"""Activities delivered to other servers' inboxes, one job per inbox on its host's queue
(jobs.py), so that a dead server's deliveries wait behind no one else's; signed at send time.
"""

import json
from collections.abc import Callable, Hashable, Iterable
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
from app.federation.jobs import Job, Kind, host_queue, submit
from app.federation.signatures import sign_request
from app.jobs import job_app_context

CONTENT_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
USER_AGENT = "microblog (+https://github.com/miguelgrinberg/microblog)"
# A delivery still running after this many seconds is killed (and tried again later).
JOB_TIMEOUT = 120
# Statuses that say "try later"; any other 4xx is final (410 Gone, 401, 403, 404...).
TRANSIENT = {408, 425, 429}
# Tried again after each of FEDERATION_RETRY_INTERVALS; without Redis, once on 4 threads.
DELIVERIES = Kind(
    "federation",
    threads=4,
    timeout=JOB_TIMEOUT,
    failed="Could not {job.description}",
    unreachable="Redis is unreachable: delivering from this process",
    retry_setting="FEDERATION_RETRY_INTERVALS",
)


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
    those of refused hosts (hosts.py); the inboxes queued. The job carries the sender's id,
    not their key: the key is looked up when the request is signed (set_key_loader)."""
    targets = unique_inboxes(inboxes)
    refused_hosts = Policy.from_app().refused_hosts
    refused = refused_hosts({host_of(inbox) for inbox in targets}) if refused_hosts else set()
    targets = [inbox for inbox in targets if host_of(inbox) not in refused]
    if targets:
        jobs = [
            Job(
                deliver_to_inbox,
                (activity, inbox, sender_id),
                host_queue(inbox),
                f"deliver to {inbox}",
            )
            for inbox in targets
        ]
        submit(DELIVERIES, jobs)
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


def init_app(app: Flask) -> None:
    app.extensions.setdefault("federation_key_loader", no_key_loader)


def no_key_loader(sender_id: Hashable) -> None:
    """Until set_key_loader is called: nothing can be signed, so nothing is sent."""
    current_app.logger.warning("No key loader is registered (set_key_loader): nothing is sent")
