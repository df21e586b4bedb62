"""One runner for all federation's background jobs (deliveries, incoming activities, fetches):
RQ queues with REDIS_URL, so a slow host holds up only its own queue; else threads."""

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, NamedTuple

from flask import Flask, current_app

from app.federation.hosts import host_of
from app.jobs import rq_retry

# Failed jobs stay in their queue's failed registry this long, to be looked at or requeued.
FAILED_TTL = 7 * 24 * 3600


class Kind(NamedTuple):
    """How one kind of job runs. `failed` and `unreachable` are str.format templates of the
    job (`{job.description}`, `{job.name}`)."""

    name: str  # without Redis, its jobs run on a thread pool of its own, named so,
    threads: int  # of this many threads (1: one at a time, in the order they came)
    timeout: int  # RQ stops a job still running after this many seconds
    failed: str  # logged with the traceback when a job on a thread fails: no later try
    unreachable: str  # logged when Redis is down and the jobs run on threads instead
    retry_setting: str | None = None  # the setting of the seconds before each new try on RQ


class Job(NamedTuple):
    """function(*args) to run in the background, on the RQ queue `queue`."""

    function: Callable[..., Any]
    args: tuple
    queue: str
    # RQ's description (not its default, the call's repr: an activity once is enough).
    description: str

    @property
    def name(self) -> str:
        return self.function.__name__


def queue_name(prefix: str, url: str) -> str:
    """The RQ queue of the url's host (with its port, if any)."""
    return prefix + host_of(url)


def host_queue(url: str) -> str:
    """The app's RQ queue of the url's host: FEDERATION_QUEUE_PREFIX + host."""
    return queue_name(current_app.config["FEDERATION_QUEUE_PREFIX"], url)


def app_runner() -> "ThreadJobs | RQJobs":
    """The app's runner, of the kind init_app chose."""
    return current_app.extensions["federation_jobs"]


def submit(kind: Kind, jobs: Sequence[Job]) -> None:
    """Run the jobs in the background, on the app's runner."""
    app_runner().submit(kind, jobs)


class ThreadJobs:
    """Each job run once, on its kind's thread pool in this process: no Redis needed."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pools: dict[str, ThreadPoolExecutor] = {}
        self.claims: dict[str, float] = {}  # claim: when it may be claimed again (monotonic)
        self.lock = threading.Lock()

    def submit(self, kind: Kind, jobs: Sequence[Job]) -> None:
        pool = self.pool(kind)
        futures = [pool.submit(self._run, kind, job) for job in jobs]
        if self.app.testing:
            # Tests see every job done when it is submitted: nothing races.
            wait(futures)

    def pool(self, kind: Kind) -> ThreadPoolExecutor:
        with self.lock:
            if kind.name not in self.pools:
                self.pools[kind.name] = ThreadPoolExecutor(
                    kind.threads, thread_name_prefix=kind.name
                )
            return self.pools[kind.name]

    def _run(self, kind: Kind, job: Job) -> None:
        with self.app.app_context():
            try:
                job.function(*job.args)
            except Exception:
                # Without Redis there is no later try: the failure is logged, not lost silently.
                self.app.logger.exception(kind.failed.format(job=job))

    def claim(self, key: str, hold: int) -> bool:
        """Whether no one claimed `key` in the last `hold` seconds (it is claimed now if so)."""
        now = time.monotonic()
        with self.lock:
            if self.claims.get(key, now) > now:
                return False
            if len(self.claims) > 10_000:  # forget the claims that ended
                self.claims = {name: end for name, end in self.claims.items() if end > now}
            self.claims[key] = now + hold
        return True


class RQJobs:
    """Each job on its RQ queue, tried again after each of its kind's retry intervals; on
    threads, as ThreadJobs runs them, while Redis is unreachable."""

    def __init__(self, app: Flask) -> None:
        from redis import Redis

        self.app = app
        self.connection = Redis.from_url(app.config["REDIS_URL"])
        self.prefix = app.config["FEDERATION_QUEUE_PREFIX"]
        self.fallback = ThreadJobs(app)

    def submit(self, kind: Kind, jobs: Sequence[Job]) -> None:
        from redis.exceptions import RedisError
        from rq import Queue

        retry = rq_retry(self.app.config[kind.retry_setting] if kind.retry_setting else [])
        try:
            # One round trip for every job, however many.
            with self.connection.pipeline() as pipeline:
                for job in jobs:
                    Queue(job.queue, connection=self.connection).enqueue(
                        job.function,
                        *job.args,
                        retry=retry,
                        job_timeout=kind.timeout,
                        result_ttl=0,
                        failure_ttl=FAILED_TTL,
                        description=job.description,
                        pipeline=pipeline,
                    )
                pipeline.execute()
        except RedisError:
            self.app.logger.warning(kind.unreachable.format(job=jobs[0]))
            self.fallback.submit(kind, jobs)

    def claim(self, key: str, hold: int) -> bool:
        from redis.exceptions import RedisError

        try:
            # SET NX: one claim in `hold` seconds, whichever process asks.
            return bool(self.connection.set(f"{self.prefix}claim:{key}", 1, nx=True, ex=hold))
        except RedisError:
            return self.fallback.claim(key, hold)


def init_app(app: Flask) -> None:
    app.extensions["federation_jobs"] = RQJobs(app) if app.config["REDIS_URL"] else ThreadJobs(app)
