"""Federation's other background jobs (a remote post's images, an actor fetched again), queued
only once their transaction commits, or at once once per claim, on the runner of jobs.py."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.federation.jobs import Job, Kind, app_runner, host_queue

# A job still running after this many seconds is killed.
JOB_TIMEOUT = 300
# On the queue of the host the job talks to; not tried again; without Redis, on 2 threads.
FETCHES = Kind(
    "federation-jobs",
    threads=2,
    timeout=JOB_TIMEOUT,
    failed="Federation job {job.name} failed",
    unreachable="Redis is unreachable: running {job.name} here",
)
# A remote post's images: as FETCHES (on the same threads without Redis), but tried again on
# RQ after each of FEDERATION_IMAGE_RETRY_INTERVALS while an image cannot be had for a reason
# that may pass (app/activitypub/attachments.py).
IMAGES = FETCHES._replace(retry_setting="FEDERATION_IMAGE_RETRY_INTERVALS")
# session.info's list of (app's runner, kind, job) to submit once it commits.
PENDING = "microblog.federation_jobs"


def fetch_job(function: Callable[..., Any], args: tuple, url: str) -> Job:
    return Job(function, args, host_queue(url), f"{function.__name__} from {url}")


def run_after_commit(
    function: Callable[..., Any], *args: Any, url: str, kind: Kind = FETCHES
) -> None:
    """Run function(*args) in the background once the session commits (the job reads the rows
    it was given ids of; a rollback leaves no job behind), as a job of `kind`; `url` names
    the host the job talks to (its queue). The function opens its own app context (app.jobs)."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even of nothing else, drops the job
    job = fetch_job(function, args, url)
    session.info.setdefault(PENDING, []).append((app_runner(), kind, job))


def run_claimed(claim: str, hold: int, function: Callable[..., Any], *args: Any, url: str) -> bool:
    """Run function(*args) in the background now, as run_after_commit's jobs run, unless a job
    of the same claim was started in the last `hold` seconds (fetching a remote actor again:
    as often as pages show it, but once an hour at most); whether it was. A job that fails is
    not tried again: the next claim after `hold` is."""
    runner = app_runner()
    if not runner.claim(claim, hold):
        return False
    runner.submit(FETCHES, [fetch_job(function, args, url)])
    return True


@event.listens_for(Session, "after_commit")
def _submit_pending(session: Session) -> None:
    for runner, kind, job in session.info.pop(PENDING, []):
        try:
            runner.submit(kind, [job])
        except Exception:
            # The commit is done: one job that cannot be queued (a runner shut down, a broken
            # argument) must not raise out of it, nor cost the jobs after it their turn.
            runner.app.logger.exception("Could not queue federation job %s", job.description)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)
