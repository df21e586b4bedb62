"""The runner of federation's jobs (app/federation/jobs.py): one RQ queue per host, and
without Redis a thread pool per kind of job."""

import threading

import pytest

from app.federation.jobs import Job, Kind, ThreadJobs, queue_name, submit
from config import env_seconds


@pytest.mark.parametrize(
    ("url", "queue"),
    [
        ("https://social.example/inbox", "federation:social.example"),
        ("https://Social.Example/users/a/inbox", "federation:social.example"),
        ("http://127.0.0.1:8001/inbox", "federation:127.0.0.1:8001"),
        ("https://user:pw@social.example/inbox", "federation:social.example"),
    ],
)
def test_one_queue_per_host(url, queue):
    assert queue_name("federation:", url) == queue


def test_each_kind_runs_on_a_pool_of_its_own(app):
    threads: list[tuple[str, str]] = []

    def record(kind: str) -> None:
        threads.append((kind, threading.current_thread().name))

    runner = ThreadJobs(app)
    one_at_a_time = Kind("first", 1, 60, "{job.description} failed", "unused")
    pooled = Kind("second", 3, 60, "{job.description} failed", "unused")
    runner.submit(one_at_a_time, [Job(record, ("first",), "q", f"job {n}") for n in range(3)])
    runner.submit(pooled, [Job(record, ("second",), "q", "job")])
    assert len(threads) == 4
    assert all(name.startswith(f"{kind}_") for kind, name in threads)
    assert len({name for kind, name in threads if kind == "first"}) == 1


@pytest.mark.redis
def test_no_retry_intervals_means_one_try_on_rq(make_rq_app):
    from rq import Queue

    app = make_rq_app(FEDERATION_INBOX_RETRY_INTERVALS=[])
    kind = Kind(
        "inbox", 1, 60, "{job.description} failed", "unused", "FEDERATION_INBOX_RETRY_INTERVALS"
    )
    queue = app.config["FEDERATION_QUEUE_PREFIX"] + "tries"
    with app.app_context():
        submit(kind, [Job(print, ("once",), queue, "print once")])
    connection = app.extensions["federation_jobs"].connection
    (job,) = Queue(queue, connection=connection).jobs
    assert job.args == ("once",)
    assert not job.retries_left


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, [60, 600]), ("", []), ("5", [5]), ("1, 2,", [1, 2])],
)
def test_retry_intervals_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("MICROBLOG_TEST_SECONDS", raising=False)
    else:
        monkeypatch.setenv("MICROBLOG_TEST_SECONDS", value)
    assert env_seconds("MICROBLOG_TEST_SECONDS", "60,600") == expected
