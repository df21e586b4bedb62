"""With Redis, mail goes through RQ and is tried again while the SMTP server is down."""

import logging
import time
import uuid
from types import SimpleNamespace

import pytest
from rq import SimpleWorker

from app.email import send_email
from tests import mailbox
from tests.queues import forget_queue

pytestmark = pytest.mark.redis


@pytest.fixture
def queued_mail_app(make_app, redis_url, free_port):
    app = make_app(
        REDIS_URL=redis_url,
        TASKS_QUEUE=f"test-mail-{uuid.uuid4().hex[:8]}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port,
        MAIL_SUPPRESS_SEND=False,
        MAIL_ASYNC=True,
        MAIL_TIMEOUT=2,
        MAIL_RETRY_INTERVALS=[1],
    )
    yield app
    queue = app.extensions["tasks"].queue
    for registry in (queue.scheduled_job_registry, queue.failed_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    forget_queue(queue)


def work(app, queue, **options):
    # The job runs in this process: it uses the test app's context, settings included.
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True, **options)


def test_mail_is_queued_and_retried_until_the_smtp_server_answers(
    queued_mail_app, free_port, caplog
):
    app = queued_mail_app
    queue = app.extensions["tasks"].queue
    with app.test_request_context():
        send_email(
            "Hello", ["susan@example.com"], "password_changed", user=SimpleNamespace(username="s")
        )
    assert queue.count == 1

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        work(app, queue)
    assert "Could not send email 'Hello'" in caplog.text
    assert queue.scheduled_job_registry.count == 1

    with mailbox.smtp_server(free_port) as inbox:
        time.sleep(1.5)
        work(app, queue, with_scheduler=True)
        assert [str(message["Subject"]) for message in inbox.messages] == ["Hello"]
    assert queue.scheduled_job_registry.count == 0
    assert queue.failed_job_registry.count == 0


def test_no_retry_intervals_means_one_try(make_app, redis_url):
    app = make_app(
        REDIS_URL=redis_url,
        TASKS_QUEUE=f"test-mail-{uuid.uuid4().hex[:8]}",
        MAIL_SERVER="127.0.0.1",
        MAIL_SUPPRESS_SEND=False,
        MAIL_ASYNC=True,
        MAIL_RETRY_INTERVALS=[],
    )
    queue = app.extensions["tasks"].queue
    try:
        with app.test_request_context():
            user = SimpleNamespace(username="s")
            send_email("Once", ["susan@example.com"], "password_changed", user=user)
        (job,) = queue.jobs
        assert job.args[0].subject == "Once"
        assert not job.retries_left
    finally:
        queue.empty()
        forget_queue(queue)


def test_mail_is_sent_from_this_process_when_redis_is_down(make_app, free_port, caplog):
    app = make_app(
        REDIS_URL="redis://127.0.0.1:1/0",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port,
        MAIL_SUPPRESS_SEND=False,
        MAIL_ASYNC=True,
    )
    with mailbox.smtp_server(free_port) as inbox, app.test_request_context():
        with caplog.at_level(logging.WARNING, logger=app.logger.name):
            send_email(
                "Hi", ["susan@example.com"], "password_changed", user=SimpleNamespace(username="s")
            )
        app.extensions["mail_executor"].shutdown(wait=True)
        assert [str(message["Subject"]) for message in inbox.messages] == ["Hi"]
    assert "Redis is unreachable" in caplog.text
