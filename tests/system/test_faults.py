"""Faults in the services behind the app: PostgreSQL restarting under load, Redis and the
SMTP server going away. The site answers throughout, and recovers without a restart."""

import threading
import time
import uuid

import pytest

from tests.system.conftest import start_stack
from tests.system.harness import Client, log_tail
from tests.system.load import missing_writes, run_load

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]

FRIENDLY = "The site is briefly unavailable"
# A request already in flight when PostgreSQL stops, or a pooled connection found dead
# just after it is back, may answer 503 a moment outside the outage itself.
GRACE_SECONDS = 3
# How long the load runs, and when and for how long PostgreSQL is down within it
# (benchmarks/system.py runs longer).
RESTART_LOAD_SECONDS = 14
DOWN_AFTER_SECONDS = 4
DOWN_SECONDS = 3


@pytest.fixture(scope="module")
def fault_stack():
    """A stack of its own: these tests stop services the other tests rely on."""
    running = start_stack()
    yield running
    running.stop()


def wait_for_log(stack, text: str, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in stack.app_log():
            return True
        time.sleep(0.2)
    return False


def test_postgres_restart_under_load_gives_brief_503s_then_recovers(fault_stack):
    stack = fault_stack
    workers_before = sorted(stack.worker_pids())
    outage: dict[str, float] = {}

    def restart() -> None:
        time.sleep(DOWN_AFTER_SECONDS)
        outage["down"] = time.monotonic()
        stack.stop_postgres()
        time.sleep(DOWN_SECONDS)
        stack.start_postgres()
        outage["up"] = time.monotonic()

    restarter = threading.Thread(target=restart)
    restarter.start()
    result = run_load(stack, RESTART_LOAD_SECONDS, threads=4, seed=5)
    restarter.join()
    print("\nload across a PostgreSQL restart:", result.summary())

    errors = result.server_errors()
    assert errors, "the load never reached the database while it was down"
    assert {e.status for e in errors} == {503}, [(e.status, e.path, e.body[:300]) for e in errors]
    for error in errors:
        assert FRIENDLY in error.body and "Traceback" not in error.body
        assert outage["down"] - GRACE_SECONDS <= error.ended
        assert error.started <= outage["up"] + GRACE_SECONDS
    late = [e for e in result.exchanges if e.started > outage["up"] + GRACE_SECONDS]
    assert late and all(e.status < 500 for e in late)

    # Recovered without restarting anything: same workers, and a new visitor gets in.
    assert sorted(stack.worker_pids()) == workers_before
    visitor = Client(stack.url)
    username = "r" + uuid.uuid4().hex[:12]
    assert visitor.register(username).status_code == 302
    assert visitor.confirm(stack.inbox, username, timeout=90).status_code == 302
    assert visitor.login(username).status_code == 302
    assert visitor.post("/index", {"post": "after the restart"}).status_code == 302
    lost_posts, lost_follows = missing_writes(stack, result)
    assert lost_posts == [] and lost_follows == []


def test_site_keeps_serving_without_redis(fault_stack):
    stack = fault_stack
    stack.stop_redis()
    try:
        result = run_load(stack, 6, threads=3, seed=6, posts=1)
        print("\nload without Redis:", result.summary())
        assert result.server_errors() == []
        assert result.posts, result.summary()
        assert wait_for_log(stack, "falling back to in-memory storage")
    finally:
        stack.start_redis()


def test_reset_request_answers_while_smtp_is_down_and_the_mail_is_retried(fault_stack):
    stack = fault_stack
    username = "m" + uuid.uuid4().hex[:12]
    assert Client(stack.url).register(username).status_code == 302
    stack.stop_smtp()
    try:
        started = time.monotonic()
        response = Client(stack.url).post(
            "/auth/reset_password_request", {"email": f"{username}@example.com"}
        )
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/auth/login")
        assert time.monotonic() - started < 5
        # The failure is logged with its recipient (by the RQ worker, which may log other
        # mail failures of earlier tests too, so wait for this one).
        failure = f"Could not send email '[Microblog] Reset Your Password' to ['{username}@"
        assert wait_for_log(stack, failure, timeout=30), stack.app_log()[-3000:]
    finally:
        stack.start_smtp()
    # The RQ worker tries the mail again, and now it gets through.
    try:
        stack.inbox.wait_for(f"{username}@example.com", "Reset Your Password", timeout=30)
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- worker log ---\n{log_tail(stack.worker_log)}") from None
