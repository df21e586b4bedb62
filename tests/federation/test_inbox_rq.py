"""Incoming activities through real Redis: the inbox answers and queues a job, which the
federation worker handles once, trying it again later when it failed for a passing reason
and keeping it in the failed registry otherwise."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select

from app.extensions import db
from app.federation.inbox_queue import JOB_TIMEOUT, set_activity_handler
from app.federation.worker import FederationWorker
from app.models import InboxActivity, followers
from tests.activitypub.federated.remote import SETTINGS, SITE, remote_server
from tests.conftest import add_user
from tests.federation.conftest import KeyPair

pytestmark = pytest.mark.redis

INTERVALS = [60, 180]


@pytest.fixture(scope="module")
def bob_key():
    return KeyPair()


@pytest.fixture
def app(make_rq_app):
    app = make_rq_app(**SETTINGS, FEDERATION_INBOX_RETRY_INTERVALS=INTERVALS)
    add_user(app, "susan")
    return app


@pytest.fixture
def bob(bob_key):
    with remote_server(bob_key, {}) as remote:
        yield remote


def inbox_queue(app) -> Queue:
    connection = app.extensions["federation_jobs"].connection
    return Queue(app.config["FEDERATION_INBOX_QUEUE"], connection=connection)


def accepts_queued(app, bob) -> int:
    """The Accepts waiting on the delivery queue of bob's server."""
    name = app.config["FEDERATION_QUEUE_PREFIX"] + bob.server.url.removeprefix("http://")
    return Queue(name, connection=inbox_queue(app).connection).count


def work(app):
    """The federation worker, in this process, until every queue is empty."""
    return FederationWorker.for_app(app).work(burst=True)


def follows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(followers))


def taken(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(InboxActivity))


def follow_of(bob) -> dict:
    return bob.activity("Follow", f"{SITE}/users/susan")


def test_the_inbox_answers_and_the_worker_handles(app, bob):
    client = app.test_client()
    follow = follow_of(bob)
    assert bob.post(client, follow).status_code == 202
    queue = inbox_queue(app)
    (job,) = queue.jobs
    assert job.args == ({**follow, "actor": bob.actor},)
    assert (job.retries_left, job.retry_intervals, job.timeout) == (2, INTERVALS, JOB_TIMEOUT)
    assert job.description == f"handle Follow {follow['id']} of {bob.actor}"
    assert follows(app) == 0  # nothing is handled before a worker runs
    assert work(app)
    assert follows(app) == 1 and taken(app) == 1
    assert queue.count == 0 and queue.failed_job_registry.count == 0


def test_an_activity_delivered_twice_is_handled_once(app, bob):
    client = app.test_client()
    follow = follow_of(bob)
    assert bob.post(client, follow).status_code == 202
    assert bob.post(client, follow).status_code == 202  # before the first is handled
    assert inbox_queue(app).count == 2
    inbox_only = FederationWorker(
        app, inbox_queue(app).connection, "no-deliveries:", inbox_queue=inbox_queue(app).name
    )
    inbox_only.work(burst=True)
    assert follows(app) == 1 and taken(app) == 1
    assert accepts_queued(app, bob) == 1  # one Accept: the second job did nothing
    assert bob.post(client, follow).status_code == 202  # once handled, not even queued
    assert inbox_queue(app).count == 0


def test_a_transient_failure_is_tried_again_later(app, bob):
    client = app.test_client()
    assert bob.post(client, follow_of(bob)).status_code == 202
    with app.app_context():
        followers.drop(db.engine)  # the database fails the job
    before = datetime.now(UTC)
    work(app)
    after = datetime.now(UTC)
    queue = inbox_queue(app)
    (job_id,) = queue.scheduled_job_registry.get_job_ids()
    job = Job.fetch(job_id, connection=queue.connection)
    assert job.retries_left == len(INTERVALS) - 1
    retry_at = queue.scheduled_job_registry.get_scheduled_time(job_id)
    first = timedelta(seconds=INTERVALS[0])
    assert before + first - timedelta(seconds=1) <= retry_at <= after + first
    assert taken(app) == 0

    with app.app_context():
        followers.create(db.engine)  # the database is back
    # The retry due (moved forward rather than waited for).
    queue.scheduled_job_registry.schedule(job, datetime.now(UTC) - timedelta(seconds=1))
    work(app)
    assert follows(app) == 1 and taken(app) == 1
    assert queue.scheduled_job_registry.count == queue.failed_job_registry.count == 0


def test_a_failure_that_will_not_pass_goes_to_the_failed_registry(app, bob, caplog):
    def broken(activity):
        raise KeyError("a bug")

    set_activity_handler(app, broken)
    client = app.test_client()
    assert bob.post(client, follow_of(bob)).status_code == 202
    work(app)
    queue = inbox_queue(app)
    assert queue.scheduled_job_registry.count == 0  # not tried again
    (job_id,) = queue.failed_job_registry.get_job_ids()
    job = Job.fetch(job_id, connection=queue.connection)
    assert "KeyError: 'a bug'" in job.latest_result().exc_string
    assert job.args[0]["type"] == "Follow"  # the activity is kept with it


def test_the_worker_listens_to_the_inbox_before_anything_came(app):
    worker = FederationWorker.for_app(app)
    worker.scan()
    assert worker.queue_names() == [app.config["FEDERATION_INBOX_QUEUE"]]


def test_the_worker_command_handles_the_inbox(app, bob):
    assert bob.post(app.test_client(), follow_of(bob)).status_code == 202
    result = app.test_cli_runner().invoke(args=["federation", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert follows(app) == 1


def test_redis_down_handles_in_this_process(make_app, bob, caplog):
    app = make_app(**SETTINGS | {"REDIS_URL": "redis://127.0.0.1:1/0"})
    add_user(app, "susan")
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        assert bob.post(app.test_client(), follow_of(bob)).status_code == 202
    assert "Redis is unreachable: handling an activity in this process" in caplog.text
    assert follows(app) == 1
