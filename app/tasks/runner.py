"""Where background jobs run: an RQ queue when REDIS_URL is set, else a thread of this app."""

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Task, User
from app.tasks.export import export_posts

# A job that has not finished in this many seconds is killed by the RQ worker.
JOB_TIMEOUT = 600

# The jobs users can start, by the name User.launch_task takes (the book's app.tasks.<name>).
JOBS: dict[str, Callable[..., Any]] = {"export_posts": export_posts}


class TaskNotStarted(Exception):
    """The queue refused the job (Redis is down, say)."""


class Runner:
    """Starts the background jobs users ask for, one running task of each name per user."""

    def submit(self, job_id: str, function: Callable[..., Any], *args: Any) -> None:
        raise NotImplementedError

    def is_running(self, job_id: str) -> bool:
        raise NotImplementedError

    def launch(self, user: User, name: str, description: str, *args: Any) -> Task | None:
        """Start JOBS[name](task_id, *args) for the user, unless a task of that name is still
        running (then None)."""
        running = db.session.scalar(Task.in_progress(user, name))
        if running is not None:
            if self.is_running(running.id):
                return None
            current_app.logger.warning(
                "Task %s (%s) died unfinished; starting anew", running.id, name
            )
            running.finish()
            db.session.commit()
        task = Task(
            id=str(uuid.uuid4()),
            name=name,
            description=description,
            user_id=user.id,
            running_key=Task.key_for(user, name),
        )
        db.session.add(task)
        # Committed first: the job, in another thread or process, must find its task.
        try:
            db.session.commit()
        except IntegrityError:
            # Another request started the same task a moment ago (its running_key is taken).
            db.session.rollback()
            return None
        try:
            self.submit(task.id, JOBS[name], task.id, *args)
        except Exception as error:
            # Redis unreachable, say: a task that never started must not block the next one.
            current_app.logger.exception("Could not start task %s (%s)", task.id, name)
            task.finish()
            db.session.commit()
            raise TaskNotStarted(name) from error
        return task


class ThreadRunner(Runner):
    """Runs jobs on a small pool of this process: the embedded default, no Redis needed."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(2, thread_name_prefix="tasks")

    def submit(self, job_id: str, function: Callable[..., Any], *args: Any) -> None:
        future = self.executor.submit(self._run, function, *args)
        if self.app.testing:
            # Tests see the job's outcome as soon as the request returns: nothing races.
            future.result()

    def is_running(self, job_id: str) -> bool:
        # Another process (a second gunicorn worker) may be running it: assume it is.
        return True

    def _run(self, function: Callable[..., Any], *args: Any) -> None:
        with self.app.app_context():
            try:
                function(*args)
            except Exception:
                # The job records its own failures; this catches one it could not record.
                self.app.logger.exception("Background job %s%r failed", function.__name__, args)


class RQRunner(Runner):
    """Enqueues jobs for `rq worker <TASKS_QUEUE>`, which runs them in its own process."""

    def __init__(self, app: Flask) -> None:
        from redis import Redis
        from rq import Queue

        connection = Redis.from_url(app.config["REDIS_URL"])
        self.queue = Queue(app.config["TASKS_QUEUE"], connection=connection)

    def submit(self, job_id: str, function: Callable[..., Any], *args: Any) -> None:
        self.queue.enqueue(function, *args, job_id=job_id, job_timeout=JOB_TIMEOUT)

    def is_running(self, job_id: str) -> bool:
        """False when the job is gone or failed: its worker died before the task could finish."""
        from redis.exceptions import RedisError
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        try:
            status = Job.fetch(job_id, connection=self.queue.connection).get_status()
        except NoSuchJobError:
            return False
        except RedisError:
            return True  # unknown; enqueueing the next job will report Redis being down
        return status not in {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def init_app(app: Flask) -> None:
    runner = RQRunner(app) if app.config["REDIS_URL"] else ThreadRunner(app)
    app.extensions["tasks"] = runner
