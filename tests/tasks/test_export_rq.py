"""The export through Redis: the app enqueues, a real `rq worker` process runs the job."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Post, Task
from tests.conftest import TEST_CONFIG, AuthActions, add_user
from tests.mailbox import smtp_server
from tests.queues import forget_queue

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
RQ = Path(sys.executable).with_name("rq")


@pytest.fixture
def smtp_inbox(free_port):
    with smtp_server(free_port) as inbox:
        yield inbox, free_port


@pytest.fixture
def queue_name(redis_url):
    """A queue of this test's own, so parallel runs never take each other's jobs."""
    from redis import Redis
    from rq import Queue

    name = f"microblog-test-{uuid.uuid4().hex[:8]}"
    yield name
    connection = Redis.from_url(redis_url)
    forget_queue(Queue(name, connection=connection))
    connection.close()


def worker_environment(database: str, redis_url: str, smtp_port: int) -> dict[str, str]:
    """The worker builds its own app from the environment, as in production."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
        "SERVER_NAME": "localhost",
        "PREFERRED_URL_SCHEME": "http",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "LOG_TO_STDOUT": "1",
    }


def run_worker(queue_name: str, env: dict[str, str]) -> str:
    """Run the deployment's worker over `queue_name` until it is empty; its output."""
    worker = subprocess.run(
        [str(RQ), "worker", "--worker-class", "app.worker.AppWorker", queue_name]
        + ["--url", env["REDIS_URL"], "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = worker.stdout + worker.stderr
    assert worker.returncode == 0, output
    return output


def test_the_worker_builds_the_app_once_for_all_its_jobs(
    tmp_path, redis_url, smtp_inbox, queue_name
):
    from flask_mail import Message
    from redis import Redis
    from rq import Queue

    from app.email import deliver_queued_email

    inbox, smtp_port = smtp_inbox
    queue = Queue(queue_name, connection=Redis.from_url(redis_url))
    for n in range(3):
        message = Message(f"mail {n}", sender="m@example.com", recipients=["you@example.com"])
        queue.enqueue(deliver_queued_email, message)
    queue.connection.close()

    env = worker_environment(f"sqlite:///{tmp_path / 'app.db'}", redis_url, smtp_port)
    output = run_worker(queue_name, env)

    assert sorted(message["Subject"] for message in inbox.messages) == [
        "mail 0",
        "mail 1",
        "mail 2",
    ]
    # create_app logs its start: once in the worker, not once in every job's process.
    assert output.count("INFO app: Microblog startup") == 1, output


def test_export_runs_in_a_real_rq_worker(tmp_path, monkeypatch, redis_url, smtp_inbox, queue_name):
    inbox, smtp_port = smtp_inbox
    database = f"sqlite:///{tmp_path / 'app.db'}"
    settings = {
        "SQLALCHEMY_DATABASE_URI": database,
        "REDIS_URL": redis_url,
        "TASKS_QUEUE": queue_name,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
    }
    app = create_app({**TEST_CONFIG, **settings})
    # Flask-Migrate finds migrations/ from the working directory, as `flask db` does.
    monkeypatch.chdir(ROOT)
    with app.app_context():
        flask_migrate.upgrade()
    user = add_user(app)
    with app.app_context():
        db.session.add_all(Post(body=f"post {n}", user_id=user.id) for n in range(3))
        db.session.commit()

    client = app.test_client()
    AuthActions(client).login()
    response = client.post("/export_posts", follow_redirects=True)
    assert "they will arrive by email" in response.text
    with app.app_context():
        (task,) = db.session.scalars(select(Task)).all()
        assert not task.complete, "the job must wait for the worker"
        task_id = task.id
    # A second request while the first waits in the queue is refused.
    again = client.post("/export_posts", follow_redirects=True)
    assert "An export task is currently in progress" in again.text

    env = worker_environment(database, redis_url, smtp_port)
    output = run_worker(queue_name, env)
    assert "Job OK" in output, output

    (message,) = inbox.messages
    assert message["To"] == "susan@example.com"
    assert message["Subject"] == "[Microblog] Your blog posts"
    (part,) = message.iter_attachments()
    assert part.get_filename() == "posts.json"
    assert part.get_content_type() == "application/json"
    exported = json.loads(part.get_content())
    assert [post["body"] for post in exported["posts"]] == ["post 0", "post 1", "post 2"]
    assert all(post["timestamp"].endswith("+00:00") for post in exported["posts"])

    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.progress, task.complete) == (100, True)
        db.engine.dispose()


def test_a_task_whose_job_vanished_does_not_block_the_next(redis_url, queue_name, make_app):
    from redis import Redis
    from rq import Queue

    app = make_app(REDIS_URL=redis_url, TASKS_QUEUE=queue_name)
    user = add_user(app)
    with app.app_context():
        # Its worker was killed: Redis no longer knows the job.
        db.session.add(Task(id=str(uuid.uuid4()), name="export_posts", user_id=user.id))
        db.session.commit()
    client = app.test_client()
    AuthActions(client).login()

    response = client.post("/export_posts", follow_redirects=True)
    assert "they will arrive by email" in response.text
    with app.app_context():
        tasks = db.session.scalars(select(Task)).all()
        assert sorted(task.complete for task in tasks) == [False, True]
        (new,) = [task for task in tasks if not task.complete]
    queue = Queue(queue_name, connection=Redis.from_url(redis_url))
    assert queue.job_ids == [new.id]
    # The new job is really queued: a second request waits for it.
    again = client.post("/export_posts", follow_redirects=True)
    assert "An export task is currently in progress" in again.text
    queue.connection.close()
