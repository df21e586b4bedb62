"""`flask federation worker`: one RQ worker for every queue of federation's jobs (jobs.py), old
and new: each host's, and the inbox's."""

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from rq import Queue, SimpleWorker
from rq.registry import ScheduledJobRegistry
from rq.scheduler import RQScheduler
from rq.worker import DequeueStrategy

federation = AppGroup("federation", help="Fediverse commands.")


class FederationWorker(SimpleWorker):
    """Works round robin through every queue named FEDERATION_QUEUE_PREFIX + host, picking up
    new hosts' queues as they appear, and through `inbox_queue` if given; puts their due
    retries back in line. It looks for both every `rescan` seconds
    (FEDERATION_WORKER_POLL_SECONDS unless given).

    It runs jobs in its own process rather than forking one per job: a delivery is a single
    HTTP request under a timeout, and a fork would cost more than the request itself.
    """

    def __init__(
        self,
        app: Flask,
        connection,
        prefix: str,
        rescan: float | None = None,
        inbox_queue: str | None = None,
    ):
        self.app = app
        self.prefix = prefix
        self.inbox_queue = inbox_queue
        self.rescan = app.config["FEDERATION_WORKER_POLL_SECONDS"] if rescan is None else rescan
        self.last_scan = float("-inf")
        super().__init__([], connection=connection)

    @classmethod
    def for_app(cls, app: Flask, rescan: float | None = None) -> "FederationWorker":
        """The worker of the app's queues, on the Redis connection its jobs are queued on."""
        return cls(
            app,
            app.extensions["federation_jobs"].connection,
            app.config["FEDERATION_QUEUE_PREFIX"],
            rescan=rescan,
            inbox_queue=app.config["FEDERATION_INBOX_QUEUE"],
        )

    def perform_job(self, job, queue) -> bool:
        with self.app.app_context():
            return super().perform_job(job, queue)

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        while True:
            self.scan()
            if timeout is None:  # burst: take what is there now, or stop
                if not self.queues:
                    return None
                return super().dequeue_job_and_maintain_ttl(None)
            if not self.queues:
                if self._stop_requested:
                    return None
                time.sleep(self.rescan)
                continue
            # Wait at most `rescan` seconds, then look again for new hosts and due retries.
            wait = max(1, int(self.rescan))
            result = super().dequeue_job_and_maintain_ttl(wait, max_idle_time=wait)
            if result is not None or self._stop_requested:
                return result

    def scan(self) -> None:
        if time.monotonic() - self.last_scan < self.rescan:
            return
        self.last_scan = time.monotonic()
        names = self.queue_names_in_redis()
        if self.inbox_queue is not None and self.inbox_queue not in names:
            # Listened to from the start: it exists in Redis only once an activity came.
            names = [self.inbox_queue, *names]
        if names != self.queue_names():
            self.queues = [Queue(name, connection=self.connection) for name in names]
            self._ordered_queues = self.queues[:]
        if names:
            enqueue_due_retries(self.connection, names)

    def queue_names_in_redis(self) -> list[str]:
        key_prefix = Queue.redis_queue_namespace_prefix + self.prefix
        members = self.connection.smembers(Queue.redis_queues_keys)
        keys = (key.decode() if isinstance(key, bytes) else key for key in members)
        return sorted(
            key.removeprefix(Queue.redis_queue_namespace_prefix)
            for key in keys
            if key.startswith(key_prefix)
        )


def enqueue_due_retries(connection, names: list[str]) -> None:
    """What `rq worker --with-scheduler` does for the queues it was started with, for these
    (its locks keep two workers from enqueueing a retry twice)."""
    # One round trip finds the hosts with a retry due, rather than three commands a host.
    with connection.pipeline() as pipeline:
        for name in names:
            pipeline.zcount(ScheduledJobRegistry(name, connection=connection).key, 0, time.time())
        due = [name for name, count in zip(names, pipeline.execute(), strict=True) if count]
    if not due:
        return
    # Quietly: it would log taking each queue's lock at every scan.
    scheduler = RQScheduler(due, connection=connection, logging_level="WARNING")
    if scheduler.acquire_locks():
        try:
            scheduler.enqueue_scheduled_jobs()
        finally:
            scheduler.release_locks()


@federation.command("worker")
@click.option("--burst", is_flag=True, help="Work through what is queued, then stop.")
def worker(burst: bool) -> None:
    """Deliver queued activities to other servers, and handle those they sent (needs
    REDIS_URL)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["REDIS_URL"]:
        raise click.ClickException(
            "REDIS_URL is not set: deliveries and incoming activities run in the web app's "
            "own threads, no worker needed."
        )
    if app.config["FEDERATION_WORKER_POLL_SECONDS"] <= 0:
        raise click.ClickException("FEDERATION_WORKER_POLL_SECONDS must be more than 0.")
    worker = FederationWorker.for_app(app)
    worker.work(burst=burst, dequeue_strategy=DequeueStrategy.ROUND_ROBIN)
