"""What every background job needs: an app context, wherever the job runs."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import has_app_context


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
