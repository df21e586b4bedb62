"""Mixed traffic through nginx to two instances: no server errors, no lost writes, and
worker memory that does not climb."""

import time

import pytest

from tests.system.harness import rss_kib
from tests.system.load import missing_writes, run_load

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]

LOAD_SECONDS = 20
SOAK_SECONDS = 20
# Generous: a real leak under this traffic grows far past it; allocator noise stays well below.
MAX_RSS_GROWTH_KIB = 40 * 1024


def test_mixed_load_has_no_server_errors_and_loses_no_writes(stack):
    result = run_load(stack, LOAD_SECONDS, threads=6, posts=21, follows=6)
    print("\nmixed load:", result.summary())

    errors = result.server_errors()
    assert errors == [], f"{len(errors)} server errors, first: {errors[:3]}"
    assert len(result.posts) > 20 and len(result.follows) > 5, result.summary()
    assert {e.path for e in result.exchanges} >= {
        "/auth/register",
        "/auth/login",
        "/index",
        "/explore",
        "/auth/reset_password_request",
        "/static/microblog.css",
    }
    lost_posts, lost_follows = missing_writes(stack, result)
    assert lost_posts == [] and lost_follows == []


def test_worker_memory_stays_flat_under_load(stack):
    # Warm every worker up first (each visitor now waits for its confirmation email, too).
    run_load(stack, 10, threads=4, seed=2)
    before = {pid: rss_kib(pid) for pid in stack.worker_pids()}
    started = time.monotonic()
    result = run_load(stack, SOAK_SECONDS, threads=4, seed=3)
    after = {pid: rss_kib(pid) for pid in stack.worker_pids()}
    growth = {pid: after[pid] - before[pid] for pid in before if after.get(pid) and before[pid]}
    print(
        f"\nsoak {time.monotonic() - started:.0f}s: {result.summary()}\n"
        f"worker RSS before {before} after {after} (KiB)"
    )
    assert result.server_errors() == []
    assert growth, "no gunicorn worker lived through the whole run"
    assert max(growth.values()) < MAX_RSS_GROWTH_KIB, growth
