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
from tests.conftest import TEST_CONFIG, AuthActions, add_user, forget_queue
from tests.mailbox import smtp_server

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

    # The worker builds its own app from the environment, as in production.
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "LOG_TO_STDOUT": "1",
    }
    worker = subprocess.run(
        [str(RQ), "worker", queue_name, "--url", redis_url, "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    assert "Job OK" in worker.stdout + worker.stderr, worker.stdout + worker.stderr

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
