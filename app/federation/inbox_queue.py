"""Activities our inboxes took, handled in the background: the request answers 202 once an
activity is checked (app/activitypub/inbox.py), and the handler registered with
set_activity_handler runs later, as a job.

With REDIS_URL each activity is one job on the RQ queue FEDERATION_INBOX_QUEUE, worked by
`flask federation worker` (worker.py). A job that fails for a reason that may pass by itself
(the database away, a deadlock, a row a concurrent job wrote first, a timeout) is tried again
after each of FEDERATION_INBOX_RETRY_INTERVALS; any other failure, or the last one, leaves
the job, activity and traceback, in the queue's failed registry. Without Redis (or with Redis
down) activities are handled one at a time on a thread of this process, once, and a failure
is logged with the activity's id. The handler itself makes a job tried twice act once.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from flask import Flask, current_app
from rq.job import get_current_job
from rq.timeouts import JobTimeoutException
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from app.federation.fetch import FetchError
from app.jobs import job_app_context

# A job still running after this many seconds is stopped (and tried again).
JOB_TIMEOUT = 60
# Failed activities stay in the failed registry this long, to be looked at or requeued.
FAILED_TTL = 7 * 24 * 3600
TRANSIENT = (
    OperationalError,
    InterfaceError,
    IntegrityError,  # a concurrent job wrote the row first: tried again, the handler sees it
    FetchError,
    TimeoutError,
    ConnectionError,
    JobTimeoutException,
)

Handler = Callable[[dict[str, Any]], object]


def set_activity_handler(app: Flask, handler: Handler) -> None:
    """Register what handling a queued activity does (app/activitypub/inbox.py)."""
    app.extensions["federation_inbox_handler"] = handler


def queue_activity(activity: dict[str, Any]) -> None:
    """Have the activity handled in the background, on the app's inbox runner."""
    current_app.extensions["federation_inbox"].submit(activity)


def describe(activity: dict[str, Any]) -> str:
    return f"{activity.get('type')} {activity.get('id')} of {activity.get('actor')}"


def handle_activity(activity: dict[str, Any]) -> None:
    """The RQ job: the registered handler, in an app context. A failure that will not pass by
    itself is not tried again."""
    with job_app_context():
        try:
            current_app.extensions["federation_inbox_handler"](activity)
        except Exception as error:
            job = get_current_job()
            if job is not None and not isinstance(error, TRANSIENT):
                # RQ tries again whatever the error: this one goes to the failed registry now.
                job.retries_left = 0
            raise


class ThreadInbox:
    """Activities handled on one thread of this process, in the order they came: no Redis."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="inbox")

    def submit(self, activity: dict[str, Any]) -> None:
        future = self.executor.submit(self._run, activity)
        if self.app.testing:
            # Tests see the activity handled when the inbox has answered: nothing races.
            wait([future])

    def _run(self, activity: dict[str, Any]) -> None:
        with self.app.app_context():
            try:
                self.app.extensions["federation_inbox_handler"](activity)
            except Exception:
                # Without Redis there is no later try: the failure is logged, not lost silently.
                self.app.logger.exception("Could not handle %s", describe(activity))


class RQInbox:
    """One job an activity on the inbox's RQ queue, tried again on transient failures."""

    def __init__(self, app: Flask) -> None:
        from redis import Redis

        self.app = app
        self.connection = Redis.from_url(app.config["REDIS_URL"])
        self.queue_name = app.config["FEDERATION_INBOX_QUEUE"]
        self.intervals = app.config["FEDERATION_INBOX_RETRY_INTERVALS"]
        self.fallback = ThreadInbox(app)

    def submit(self, activity: dict[str, Any]) -> None:
        from redis.exceptions import RedisError
        from rq import Queue, Retry

        try:
            Queue(self.queue_name, connection=self.connection).enqueue(
                handle_activity,
                activity,
                retry=Retry(max=len(self.intervals), interval=self.intervals),
                job_timeout=JOB_TIMEOUT,
                result_ttl=0,
                failure_ttl=FAILED_TTL,
                # Not RQ's default (the call's repr): the activity once per job is enough.
                description=f"handle {describe(activity)}",
            )
        except RedisError:
            self.app.logger.warning("Redis is unreachable: handling an activity in this process")
            self.fallback.submit(activity)


def init_app(app: Flask) -> None:
    runner = RQInbox(app) if app.config["REDIS_URL"] else ThreadInbox(app)
    app.extensions["federation_inbox"] = runner
    app.extensions.setdefault("federation_inbox_handler", no_handler)


def no_handler(activity: dict[str, Any]) -> None:
    """Until set_activity_handler is called: the activity is dropped, and the log says so."""
    current_app.logger.warning("No inbox handler is registered: %s dropped", describe(activity))
