"""The production stack (PostgreSQL, Redis, SMTP sink, two gunicorn instances, nginx) for
the system tests; they skip, with the reason, where its programs are not installed."""

import pytest

from tests.system.harness import Stack, Unavailable, missing_programs

# Low enough that the rate limit tests trip them in a handful of attempts; every simulated
# visitor in the load tests logs in once, from its own address, to its own account.
STACK_SETTINGS = {"LOGIN_RATE_LIMIT": "5 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "8 per minute"}


def start_stack(**settings) -> Stack:
    reason = missing_programs()
    if reason:
        pytest.skip(reason)
    try:
        return Stack(settings={**STACK_SETTINGS, **settings}).__enter__()
    except Unavailable as error:
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def stack():
    """One stack shared by the load and shared-state tests (they use fresh accounts and
    client addresses, so they do not see each other)."""
    running = start_stack()
    yield running
    running.stop()
