"""Federation's background work other than deliveries (the images of a remote post, say): a
job on the RQ queue of the host it talks to, which `flask federation worker` works through
with the deliveries (a slow host holds up only its own queue), or without REDIS_URL (or with
Redis down) a small thread pool of this process, as deliveries run (delivery.py).

run_after_commit() queues a job only once the session's transaction commits: the job reads
the rows it was given ids of, and a rolled-back transaction leaves no job behind. run_claimed()
queues one at once, unless one of the same claim was started lately (fetching a remote actor
again: as often as pages show it, but once an hour at most).
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.federation.delivery import queue_name

# A job still running after this many seconds is killed.
JOB_TIMEOUT = 300
# Failed jobs stay in each host's failed registry this long, to be looked at.
FAILED_TTL = 7 * 24 * 3600
# session.info's list of (app's runner, function, args, url) to queue once it commits.
PENDING = "microblog.federation_jobs"


class ThreadJobs:
    """Each job run once, on a small pool of this process: no Redis needed."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(2, thread_name_prefix="federation-jobs")
        self.claims: dict[str, float] = {}  # claim: when it may be claimed again (monotonic)
        self.claims_lock = threading.Lock()

    def claim(self, key: str, hold: int) -> bool:
        now = time.monotonic()
        with self.claims_lock:
            if self.claims.get(key, now) > now:
                return False
            if len(self.claims) > 10_000:  # forget the claims that ended
                self.claims = {name: end for name, end in self.claims.items() if end > now}
            self.claims[key] = now + hold
        return True

    def submit(self, function: Callable[..., Any], args: tuple, url: str) -> None:
        future = self.executor.submit(self._run, function, args)
        if self.app.testing:
            # Tests see the job done when the commit returns: nothing races.
            future.result()

    def _run(self, function: Callable[..., Any], args: tuple) -> None:
        with self.app.app_context():
            try:
                function(*args)
            except Exception:
                self.app.logger.exception("Federation job %s failed", function.__name__)


class RQJobs:
    """One job on the RQ queue of the host of the job's `url` (FEDERATION_QUEUE_PREFIX + host)."""

    def __init__(self, app: Flask, connection) -> None:
        self.app = app
        self.connection = connection
        self.prefix = app.config["FEDERATION_QUEUE_PREFIX"]
        self.fallback = ThreadJobs(app)

    def claim(self, key: str, hold: int) -> bool:
        from redis.exceptions import RedisError

        try:
            # SET NX: one claim in `hold` seconds, whichever process asks.
            return bool(self.connection.set(f"{self.prefix}claim:{key}", 1, nx=True, ex=hold))
        except RedisError:
            return self.fallback.claim(key, hold)

    def submit(self, function: Callable[..., Any], args: tuple, url: str) -> None:
        from redis.exceptions import RedisError
        from rq import Queue

        queue = Queue(queue_name(self.prefix, url), connection=self.connection)
        try:
            queue.enqueue(
                function,
                *args,
                job_timeout=JOB_TIMEOUT,
                result_ttl=0,
                failure_ttl=FAILED_TTL,
                description=f"{function.__name__} from {url}",
            )
        except RedisError:
            self.app.logger.warning("Redis is unreachable: running %s here", function.__name__)
            self.fallback.submit(function, args, url)


def run_after_commit(function: Callable[..., Any], *args: Any, url: str) -> None:
    """Run function(*args) in the background once the session commits; `url` names the host
    the job talks to (its queue). The function opens its own app context (app.jobs)."""
    runner, session = current_app.extensions["federation_jobs"], db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even of nothing else, drops the job
    session.info.setdefault(PENDING, []).append((runner, function, args, url))


def run_claimed(claim: str, hold: int, function: Callable[..., Any], *args: Any, url: str) -> bool:
    """Run function(*args) in the background now, as run_after_commit's jobs run, unless a job
    of the same `claim` was started in the last `hold` seconds; whether it was. A job that
    fails is not tried again: the next claim after `hold` is."""
    runner = current_app.extensions["federation_jobs"]
    if not runner.claim(claim, hold):
        return False
    runner.submit(function, args, url)
    return True


@event.listens_for(Session, "after_commit")
def _submit_pending(session: Session) -> None:
    for runner, function, args, url in session.info.pop(PENDING, []):
        runner.submit(function, args, url)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


def init_app(app: Flask) -> None:
    """After delivery.init_app: RQ jobs share the deliveries' Redis connection."""
    deliveries = app.extensions["federation_runner"]
    connection = getattr(deliveries, "connection", None)
    app.extensions["federation_jobs"] = RQJobs(app, connection) if connection else ThreadJobs(app)
