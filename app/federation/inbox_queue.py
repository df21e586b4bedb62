"""Activities our inboxes took, handled later as jobs (jobs.py): the inbox answers 202 once an
activity is checked (app/activitypub/inbox.py), and a slow handling keeps no sender waiting.
"""

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from rq.job import get_current_job
from rq.timeouts import JobTimeoutException
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from app.federation.fetch import FetchError
from app.federation.jobs import Job, Kind, submit
from app.jobs import job_app_context

# A job still running after this many seconds is stopped (and tried again).
JOB_TIMEOUT = 60
TRANSIENT = (
    OperationalError,
    InterfaceError,
    IntegrityError,  # a concurrent job wrote the row first: tried again, the handler sees it
    FetchError,
    TimeoutError,
    ConnectionError,
    JobTimeoutException,
)
# On the queue FEDERATION_INBOX_QUEUE, tried again after each of
# FEDERATION_INBOX_RETRY_INTERVALS; without Redis, once, one at a time in the order they came.
INBOX = Kind(
    "inbox",
    threads=1,
    timeout=JOB_TIMEOUT,
    failed="Could not {job.description}",
    unreachable="Redis is unreachable: handling an activity in this process",
    retry_setting="FEDERATION_INBOX_RETRY_INTERVALS",
)

Handler = Callable[[dict[str, Any]], object]


def set_activity_handler(app: Flask, handler: Handler) -> None:
    """Register what handling a queued activity does (app/activitypub/inbox.py)."""
    app.extensions["federation_inbox_handler"] = handler


def queue_activity(activity: dict[str, Any]) -> None:
    """Have the activity handled in the background, by the registered handler (which makes
    a job tried twice act once)."""
    queue = current_app.config["FEDERATION_INBOX_QUEUE"]
    submit(INBOX, [Job(handle_activity, (activity,), queue, f"handle {describe(activity)}")])


def describe(activity: dict[str, Any]) -> str:
    return f"{activity.get('type')} {activity.get('id')} of {activity.get('actor')}"


def handle_activity(activity: dict[str, Any]) -> None:
    """The job: the registered handler, in an app context. On RQ, only a failure that may pass
    by itself (TRANSIENT) is tried again; the last, or any other, stays in the failed registry
    with the activity and its traceback."""
    with job_app_context():
        try:
            current_app.extensions["federation_inbox_handler"](activity)
        except Exception as error:
            job = get_current_job()
            if job is not None and not isinstance(error, TRANSIENT):
                # RQ tries again whatever the error: this one goes to the failed registry now.
                job.retries_left = 0
            raise


def init_app(app: Flask) -> None:
    if not app.config["FEDERATION_INBOX_QUEUE"]:
        # Under the prefix: sites that share a Redis with prefixes of their own share no inbox.
        app.config["FEDERATION_INBOX_QUEUE"] = app.config["FEDERATION_QUEUE_PREFIX"] + "inbox"
    app.extensions.setdefault("federation_inbox_handler", no_handler)


def no_handler(activity: dict[str, Any]) -> None:
    """Until set_activity_handler is called: the activity is dropped, and the log says so."""
    current_app.logger.warning("No inbox handler is registered: %s dropped", describe(activity))
