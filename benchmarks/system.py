"""The production path, measured: PostgreSQL, Redis, an SMTP sink, two gunicorn instances
and nginx, all private to this run on 127.0.0.1 (tests/system/harness.py starts them).

    .venv/bin/python benchmarks/system.py [--load SECONDS] [--threads N] [--soak MINUTES]
        [--fuzz-examples N] [--only load,shared,faults,soak,fuzz]

Runs, and prints the figures of:
  load    mixed traffic through nginx (sign-ups, logins, posts, follows, timelines, reset
          requests): requests/s, p50/p99, status counts, acknowledged writes missing (must be 0)
  shared  a reset link from instance A used through B; the login rate limit counted across both
  faults  PostgreSQL restarted under load (503s only while down), Redis and SMTP stopped
  soak    worker RSS (from /proc) sampled every 15 s under steady load, workers never recycled
  fuzz    tests/system/test_fuzz.py with more hypothesis examples (SQLite, and PostgreSQL
          when TEST_POSTGRES_URL is set)
Exits non-zero if any check fails. The CI-sized versions are `make system`.
"""

import argparse
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.system import test_faults, test_shared_state  # noqa: E402
from tests.system.conftest import STACK_SETTINGS  # noqa: E402
from tests.system.harness import Stack, missing_programs, rss_kib  # noqa: E402
from tests.system.load import missing_writes, run_load  # noqa: E402

SAMPLE_SECONDS = 15
failures: list[str] = []


def check(name: str, function, *args) -> None:
    started = time.monotonic()
    try:
        function(*args)
    except Exception:  # noqa: BLE001 - report every failed check, then go on to the next
        failures.append(name)
        print(f"FAIL {name}\n{traceback.format_exc()}")
    else:
        print(f"ok   {name} ({time.monotonic() - started:.1f}s)")


def started_stack(**kwargs) -> Stack:
    began = time.monotonic()
    stack = Stack(settings=dict(STACK_SETTINGS), **kwargs).__enter__()
    ran = [o for o in stack.migrate_outputs if "Running upgrade" in o]
    print(
        f"stack up in {time.monotonic() - began:.1f}s (two `flask db upgrade` at once: "
        f"{len(ran)} migrated, the other waited and found nothing to do)"
    )
    return stack


def load(stack: Stack, seconds: float, threads: int) -> None:
    result = run_load(stack, seconds, threads=threads)
    lost_posts, lost_follows = missing_writes(stack, result)
    print(f"load ({threads} threads through nginx): {result.summary()}")
    print(
        f"     5xx or no answer: {len(result.server_errors())}; acknowledged but missing: "
        f"{len(lost_posts)} posts, {len(lost_follows)} follows"
    )
    assert not result.server_errors() and not lost_posts and not lost_follows


def shared(stack: Stack) -> None:
    check(
        "reset link from instance A works once through B, then refused by both",
        test_shared_state.test_reset_link_issued_by_one_instance_works_once_through_the_other,
        stack,
    )
    for route in ("a", "b", "alternate", "nginx", "mixed"):
        check(
            f"login rate limit trips at attempt {test_shared_state.LOGIN_LIMIT + 1} via {route}",
            test_shared_state.test_login_rate_limit_counts_across_instances,
            stack,
            route,
        )


def faults(seconds: float) -> None:
    test_faults.RESTART_LOAD_SECONDS = max(seconds, 14)
    test_faults.DOWN_AFTER_SECONDS = seconds / 3
    test_faults.DOWN_SECONDS = 5
    stack = started_stack()
    try:
        check(
            "PostgreSQL restarted under load: friendly 503s only while down, then recovered",
            test_faults.test_postgres_restart_under_load_gives_brief_503s_then_recovers,
            stack,
        )
        check(
            "Redis stopped: site keeps serving, fallback warning logged",
            test_faults.test_site_keeps_serving_without_redis,
            stack,
        )
        check(
            "SMTP stopped: reset request answers 302, failure logged",
            test_faults.test_reset_request_answers_while_smtp_is_down,
            stack,
        )
    finally:
        stack.stop()


def soak(minutes: float, threads: int) -> None:
    # No recycling (max_requests 0): a leak must show, not be hidden by fresh workers.
    stack = started_stack(gunicorn_args=["--max-requests", "0"])
    try:
        run_load(stack, 10, threads=threads, seed=7)  # warm-up
        pids = stack.worker_pids()
        first = {pid: rss_kib(pid) for pid in pids}
        print(f"soak {minutes:g} min, worker RSS in MiB every {SAMPLE_SECONDS}s (after warm-up):")
        print("  t(s)  " + "  ".join(f"{pid:>7}" for pid in pids) + "   req/s")
        ended = time.monotonic() + minutes * 60
        elapsed = 0
        totals = []
        while time.monotonic() < ended:
            result = run_load(stack, SAMPLE_SECONDS, threads=threads, seed=int(elapsed) + 8)
            elapsed += SAMPLE_SECONDS
            totals.append(result)
            row = [rss_kib(pid) for pid in pids]
            cells = "  ".join(f"{(kib or 0) / 1024:7.1f}" for kib in row)
            print(f"  {elapsed:4d}  {cells}   {len(result.exchanges) / result.seconds:5.1f}")
        last = {pid: rss_kib(pid) for pid in pids}
        growth = {pid: ((last[pid] or 0) - (first[pid] or 0)) / 1024 for pid in pids}
        errors = sum(len(r.server_errors()) for r in totals)
        requests = sum(len(r.exchanges) for r in totals)
        print(
            f"soak: {requests} requests, {errors} 5xx; RSS growth per worker (MiB): "
            + ", ".join(f"{g:+.1f}" for g in growth.values())
            + f"; workers replaced: {sorted(stack.worker_pids()) != sorted(pids)}"
        )
        assert errors == 0 and max(growth.values()) < 40
    finally:
        stack.stop()


def fuzz(examples: int) -> None:
    env = {**os.environ, "FUZZ_EXAMPLES": str(examples)}
    command = [sys.executable, "-m", "pytest", "tests/system/test_fuzz.py", "-q", "-p", "no:xdist"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    print(f"fuzz ({examples} examples a test): {done.stdout.strip().splitlines()[-1]}")
    assert done.returncode == 0, done.stdout[-5000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=float, default=60, help="seconds of mixed load")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--soak", type=float, default=5, help="minutes of soak (0: none)")
    parser.add_argument("--fuzz-examples", type=int, default=300)
    parser.add_argument("--only", default="load,shared,faults,soak,fuzz")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    reason = missing_programs()
    if reason:
        print(f"cannot run: {reason}")
        return 2
    print(f"{os.cpu_count()} CPUs; two instances of gunicorn -w 2 behind nginx; {args.only}")

    if parts & {"load", "shared"}:
        stack = started_stack()
        try:
            if "load" in parts:
                check("mixed load", load, stack, args.load, args.threads)
            if "shared" in parts:
                shared(stack)
        finally:
            stack.stop()
    if "faults" in parts:
        faults(args.load / 2)
    if "soak" in parts and args.soak > 0:
        check("soak", soak, args.soak, max(2, args.threads // 2))
    if "fuzz" in parts:
        check("fuzz", fuzz, args.fuzz_examples)

    print("FAILED: " + "; ".join(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
