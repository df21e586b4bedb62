"""What every background job needs: an app context, wherever the job runs; and on RQ, its
tries again."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from flask import has_app_context

if TYPE_CHECKING:
    from rq import Retry


@contextmanager
def job_app_context() -> Iterator[None]:
    if has_app_context():
        # The in-process runner, app.worker.AppWorker (or a test) already pushed one.
        yield
        return
    # In a plain `rq worker`: build the app from the same environment the web app reads.
    from app import create_app

    with create_app().app_context():
        yield


def rq_retry(intervals: Sequence[int]) -> "Retry | None":
    """RQ's tries again after each of these many seconds; None for none (one try: RQ's Retry
    refuses max=0)."""
    from rq import Retry

    return Retry(max=len(intervals), interval=list(intervals)) if intervals else None
