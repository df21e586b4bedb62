"""What counting a login against its rate limits costs, for each place the counters can live.

    .venv/bin/python benchmarks/rate_limits.py [--logins 1000] [--rounds 5]
        [--redis redis://127.0.0.1:6379/15]

One process, the Flask test client, no HTTP: a wrong-password login for an existing account
(a 200 with the form again), timed wall-clock, with rate limiting off, then counting in
memory (one worker's count), in a SQLite file (the default: every worker's count) and, with
--redis, in Redis. Each login draws from two limits (its client address and its account),
set high enough never to refuse. Argon2 runs at its cheapest, so the hash does not drown
the difference. The configurations take turns, round after round, because this machine's
speed drifts; the table gives each one's median over all its logins and the difference to
"off".
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import User  # noqa: E402

SETTINGS = {
    "SECRET_KEY": "benchmark-secret-key-long-enough-for-hs256",
    "WTF_CSRF_ENABLED": False,
    "MAIL_SERVER": None,
    "LOG_TO_STDOUT": True,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
    "LOGIN_RATE_LIMIT": "100000000 per minute",
    "LOGIN_ACCOUNT_RATE_LIMIT": "100000000 per minute",
}


def make_app(folder: Path, storage: str | None):
    settings = {**SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'app.db'}"}
    if storage is None:
        settings["RATELIMIT_ENABLED"] = False
    else:
        settings |= {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage}
    return create_app(settings)


def login_ms(app, logins: int) -> list[float]:
    client = app.test_client()
    data = {"username": "bench", "password": "a wrong password"}
    times = []
    for _ in range(logins):
        start = time.perf_counter()
        response = client.post("/auth/login", data=data)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=1000, help="logins per round and kind")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis", metavar="URL", help="also count in this Redis database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rate-limits-bench-") as name:
        folder = Path(name)
        storages = {
            "off": None,
            "memory://": "memory://",
            "sqlite (default)": f"sqlite:///{folder / 'rate-limits.db'}",
        }
        if args.redis:
            storages["redis"] = args.redis
        app = make_app(folder, None)
        with app.app_context():
            db.create_all()
            user = User(username="bench", email="bench@example.com")
            user.set_password("the right password")
            db.session.add(user)
            db.session.commit()

        times: dict[str, list[float]] = {kind: [] for kind in storages}
        for _ in range(args.rounds):
            for kind, storage in storages.items():
                # The limiter is one object: each app binds it to its own storage.
                times[kind] += login_ms(make_app(folder, storage), args.logins)

    base = statistics.median(times["off"])
    print(f"{'counters':<18} {'median ms':>10} {'p90 ms':>8} {'added ms':>9}")
    for kind, values in times.items():
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"{kind:<18} {median:>10.3f} {p90:>8.3f} {median - base:>9.3f}")


if __name__ == "__main__":
    main()
