"""The RQ worker to run: `rq worker --worker-class app.worker.AppWorker <queue>`."""

from rq import Worker

from app import create_app
from app.extensions import db


class AppWorker(Worker):
    """Builds the app once, so each job's work horse, forked from it, runs in that app's
    context (app.jobs.job_app_context) instead of building its own (benchmarks/README.md)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.app = create_app()

    def perform_job(self, job, queue) -> bool:
        with self.app.app_context():
            # A horse is a fork: it opens connections of its own rather than share any its
            # parent's pool might hold.
            db.engine.dispose(close=False)
            return super().perform_job(job, queue)
