"""Deliveries through real Redis: a queue per host, worked by the federation worker."""

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rq import Queue
from rq.job import Job

from app.federation.background import run_claimed
from app.federation.delivery import JOB_TIMEOUT, SigningKey, deliver, set_key_loader
from app.federation.worker import FederationWorker
from tests.federation.inbox import SignedInbox
from tests.federation.servers import http_server
from tests.settings import TEST_CONFIG

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
KEY_ID = "https://blog.example/users/alice#main-key"
ACTIVITY = {"type": "Create", "actor": "https://blog.example/users/alice", "object": "hi"}
INTERVALS = [60, 180, 540]


@pytest.fixture
def app(make_rq_app, alice_key):
    app = make_rq_app(
        FEDERATION_RETRY_INTERVALS=INTERVALS,
        FEDERATION_ALLOW_HTTP=True,
        FEDERATION_ALLOW_PRIVATE_ADDRESSES=True,
        FEDERATION_TIMEOUT=2,
    )
    set_key_loader(app, {1: SigningKey(KEY_ID, alice_key.private_pem)}.get)
    return app


@pytest.fixture
def inbox(alice_key):
    return SignedInbox({KEY_ID: alice_key.public_pem})


def work(app, prefix):
    """Run the federation worker in this process until every queue is empty."""
    connection = app.extensions["federation_jobs"].connection
    return FederationWorker(app, connection, prefix).work(burst=True)


def host_of(url):
    return url.removeprefix("http://")


def test_one_job_per_inbox_on_the_queue_of_its_host(app, prefix, inbox):
    with http_server(answer=inbox) as one, http_server(answer=inbox) as two:
        inboxes = [f"{one.url}/inbox", f"{one.url}/users/bob/inbox", f"{two.url}/inbox"]
        with app.app_context():
            deliver(ACTIVITY, inboxes + [f"{one.url}/inbox"], sender_id=1)
        connection = app.extensions["federation_jobs"].connection
        first = Queue(prefix + host_of(one.url), connection=connection)
        second = Queue(prefix + host_of(two.url), connection=connection)
        assert (first.count, second.count) == (2, 1)
        assert one.received == two.received == []  # nothing is sent before a worker runs
        job = first.jobs[0]
        assert job.args == (ACTIVITY, f"{one.url}/inbox", 1)
        assert (job.retries_left, job.retry_intervals) == (3, INTERVALS)
        assert job.timeout == JOB_TIMEOUT

        assert work(app, prefix)
    assert sorted((path, key_id) for path, key_id, _ in inbox.delivered) == [
        ("/inbox", KEY_ID),
        ("/inbox", KEY_ID),
        ("/users/bob/inbox", KEY_ID),
    ]
    assert inbox.refused == []
    assert (first.count, second.count) == (0, 0)


def test_a_dead_inbox_is_retried_later_without_holding_up_others(
    app, prefix, inbox, free_port, caplog
):
    dead = f"http://127.0.0.1:{free_port}/inbox"
    with http_server(answer=inbox) as alive:
        with app.app_context():
            deliver(ACTIVITY, [dead, f"{alive.url}/inbox"], sender_id=1)
        before = datetime.now(UTC)
        with caplog.at_level(logging.WARNING):
            work(app, prefix)
        after = datetime.now(UTC)
    assert [path for path, _, _ in inbox.delivered] == ["/inbox"]

    connection = app.extensions["federation_jobs"].connection
    queue = Queue(prefix + f"127.0.0.1:{free_port}", connection=connection)
    (job_id,) = queue.scheduled_job_registry.get_job_ids()
    job = Job.fetch(job_id, connection=connection)
    assert job.retries_left == len(INTERVALS) - 1
    retry_at = queue.scheduled_job_registry.get_scheduled_time(job_id)
    first_interval = timedelta(seconds=INTERVALS[0])
    assert before + first_interval - timedelta(seconds=1) <= retry_at <= after + first_interval
    assert queue.failed_job_registry.count == 0


def test_a_due_retry_is_delivered_by_the_worker(app, prefix, inbox, free_port):
    with app.app_context():
        deliver(ACTIVITY, [f"http://127.0.0.1:{free_port}/inbox"], sender_id=1)
    work(app, prefix)
    connection = app.extensions["federation_jobs"].connection
    queue = Queue(prefix + f"127.0.0.1:{free_port}", connection=connection)
    (job_id,) = queue.scheduled_job_registry.get_job_ids()
    # A minute on: the retry is due (moved forward rather than waited for), the server is up.
    job = Job.fetch(job_id, connection=connection)
    queue.scheduled_job_registry.schedule(job, datetime.now(UTC) - timedelta(seconds=1))
    with http_server(answer=inbox, port=free_port):
        work(app, prefix)
    assert [path for path, _, _ in inbox.delivered] == ["/inbox"]
    assert queue.scheduled_job_registry.count == 0
    assert queue.failed_job_registry.count == 0


def test_a_delivery_failing_every_time_ends_in_the_failed_registry(
    make_rq_app, prefix, alice_key, free_port
):
    app = make_rq_app(
        FEDERATION_RETRY_INTERVALS=[1],
        FEDERATION_ALLOW_HTTP=True,
        FEDERATION_ALLOW_PRIVATE_ADDRESSES=True,
    )
    set_key_loader(app, lambda sender_id: SigningKey(KEY_ID, alice_key.private_pem))
    with app.app_context():
        deliver(ACTIVITY, [f"http://127.0.0.1:{free_port}/inbox"], sender_id=1)
    connection = app.extensions["federation_jobs"].connection
    queue = Queue(prefix + f"127.0.0.1:{free_port}", connection=connection)
    work(app, prefix)
    (job_id,) = queue.scheduled_job_registry.get_job_ids()
    job = Job.fetch(job_id, connection=connection)
    queue.scheduled_job_registry.schedule(job, datetime.now(UTC) - timedelta(seconds=1))
    work(app, prefix)
    assert queue.scheduled_job_registry.count == 0
    assert queue.failed_job_registry.get_job_ids() == [job_id]


def test_the_worker_finds_queues_of_new_hosts(app, prefix, inbox):
    connection = app.extensions["federation_jobs"].connection
    worker = FederationWorker(app, connection, prefix)
    worker.scan()
    assert worker.queue_names() == []
    with http_server(answer=inbox) as server:
        with app.app_context():
            deliver(ACTIVITY, [f"{server.url}/inbox"], sender_id=1)
        worker.last_scan = float("-inf")  # the next rescan is due
        worker.scan()
        assert worker.queue_names() == [prefix + host_of(server.url)]
        # Another prefix's queues (another site on the same Redis) are not this worker's.
        other = Queue(f"other-{prefix}x", connection=connection)
        assert other.name not in worker.queue_names()


def test_the_worker_looks_again_as_often_as_the_setting_says(make_rq_app, prefix):
    app = make_rq_app(FEDERATION_WORKER_POLL_SECONDS=0.2)
    connection = app.extensions["federation_jobs"].connection
    assert FederationWorker(app, connection, prefix).rescan == 0.2
    assert FederationWorker.for_app(app).rescan == 0.2
    assert FederationWorker.for_app(app, rescan=0).rescan == 0  # a test's own
    assert make_rq_app().config["FEDERATION_WORKER_POLL_SECONDS"] == 5
    # Never looking again would be a busy loop.
    result = (
        make_rq_app(FEDERATION_WORKER_POLL_SECONDS=0)
        .test_cli_runner()
        .invoke(args=["federation", "worker", "--burst"])
    )
    assert result.exit_code != 0 and "must be more than 0" in result.output


def test_a_running_worker_delivers_to_a_host_new_since_it_started(app, prefix, inbox):
    app.config["FEDERATION_WORKER_POLL_SECONDS"] = 0.2
    connection = app.extensions["federation_jobs"].connection
    worker = FederationWorker(app, connection, prefix)

    def deliver_once_the_worker_listens():
        while worker.last_scan == float("-inf"):
            time.sleep(0.01)
        with app.app_context():
            deliver(ACTIVITY, [f"{server.url}/inbox"], sender_id=1)

    # Should the worker never find the queue, it is stopped rather than left hanging.
    guard = threading.Timer(30, worker.request_stop, (signal.SIGTERM, None))
    with http_server(answer=inbox) as server:
        threading.Thread(target=deliver_once_the_worker_listens, daemon=True).start()
        guard.start()
        worker.work(max_jobs=1)  # not a burst: it waits, and looks again for new queues
        guard.cancel()
    assert worker.queue_names() == [prefix + host_of(server.url)]
    assert [path for path, _, _ in inbox.delivered] == ["/inbox"]


def test_redis_down_delivers_from_this_process(make_app, alice_key, inbox, caplog):
    app = make_app(
        REDIS_URL="redis://127.0.0.1:1/0",
        FEDERATION_ALLOW_HTTP=True,
        FEDERATION_ALLOW_PRIVATE_ADDRESSES=True,
    )
    set_key_loader(app, lambda sender_id: SigningKey(KEY_ID, alice_key.private_pem))
    warnings = caplog.at_level(logging.WARNING, logger=app.logger.name)
    with http_server(answer=inbox) as server, app.app_context(), warnings:
        deliver(ACTIVITY, [f"{server.url}/inbox"], sender_id=1)
    assert [path for path, _, _ in inbox.delivered] == ["/inbox"]
    assert "Redis is unreachable" in caplog.text


RAN: list[str] = []


def remember(value: str) -> None:
    RAN.append(value)


def test_a_claimed_job_is_queued_once_on_the_hosts_queue(app, prefix):
    RAN.clear()
    claim = f"{prefix}refresh"
    with app.app_context():
        url = "https://Remote.example/users/bob"
        assert run_claimed(claim, 60, remember, "first", url=url)
        assert not run_claimed(claim, 60, remember, "again", url=url)
    connection = app.extensions["federation_jobs"].connection
    queue = Queue(prefix + "remote.example", connection=connection)
    assert queue.count == 1
    assert RAN == []  # nothing runs before a worker does
    work(app, prefix)
    assert RAN == ["first"] and queue.count == 0
    connection.delete(f"{prefix}claim:{claim}")


def test_the_worker_command(app, prefix, inbox):
    with http_server(answer=inbox) as server:
        with app.app_context():
            deliver(ACTIVITY, [f"{server.url}/inbox"], sender_id=1)
        result = app.test_cli_runner().invoke(args=["federation", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert [path for path, _, _ in inbox.delivered] == ["/inbox"]


def test_the_worker_command_needs_redis(make_app):
    result = make_app(REDIS_URL=None).test_cli_runner().invoke(args=["federation", "worker"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output


def test_the_worker_process_stops_on_sigterm(tmp_path, redis_url, prefix):
    """The deployment's command, as systemd or Docker would run and stop it."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "REDIS_URL": redis_url,
        "FEDERATION_QUEUE_PREFIX": prefix,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
        "SERVER_NAME": "localhost",
    }
    command = [str(Path(sys.executable).with_name("flask")), "--app", "microblog"]
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [*command, "federation", "worker"], cwd=ROOT, env=env, stdout=output, stderr=output
        )
        try:
            for _ in range(600):
                if "Listening" in log.read_text() or worker.poll() is not None:
                    break
                time.sleep(0.1)
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0, log.read_text()
        finally:
            worker.kill()
    assert "warm shut down requested" in log.read_text()
