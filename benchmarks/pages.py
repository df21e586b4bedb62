"""CPU cost of rendering the main pages in one process, with the Flask test client.

    DATABASE_URL=sqlite:////tmp/perf.db .venv/bin/python benchmarks/pages.py [--repeat 200]
        [--user user00001] [--profile /explore] [--only /index --requests 100]

No HTTP and no gunicorn: this isolates what one request costs the app itself, on a
database that `flask seed` filled. It prints the minimum, median and 90th percentile CPU time of
this process per page; with --profile it prints a cProfile of that page instead; with
--only and --requests it just makes that many requests of one page (instructions.py counts
them).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import LoginSession, User  # noqa: E402

PAGES = ["/", "/index", "/explore", "/user/user00002", "/post/1", "/post/1/likes", "/auth/login"]
PAGES += ["/explore/feed.atom", "/user/user00002/feed.json"]


# Loaded by a visitor: "/" is the front page to them (the home page once signed in); feed
# readers have no cookie.
def for_visitors(path: str) -> bool:
    return path == "/" or path.startswith("/auth/") or "/feed." in path


def logged_in_client(app, username: str):
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(User.by_username(username))
        # A login id names a live sign-in record (app/models/login_session.py).
        user.login_session = LoginSession.start(user)
        db.session.commit()
        session_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    return client


def cpu_ms(client, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        response = client.get(path)
        times.append((time.process_time() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--user", default="user00001")
    parser.add_argument("--profile", metavar="PATH", help="print a cProfile of this page")
    parser.add_argument("--only", metavar="PATH", help="only request this page, untimed")
    parser.add_argument("--requests", type=int, default=0, help="how often, with --only")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database that `flask seed` filled.")

    app = create_app(
        {
            "SECRET_KEY": "pages-benchmark" * 3,
            "SERVER_NAME": "localhost",
            "RATELIMIT_ENABLED": False,
        }
    )
    client = logged_in_client(app, args.user)
    anonymous = app.test_client()
    if args.only:
        who = anonymous if for_visitors(args.only) else client
        cpu_ms(who, args.only, args.requests)
        return
    if args.profile:
        who = anonymous if for_visitors(args.profile) else client
        cpu_ms(who, args.profile, 20)
        profiler = cProfile.Profile()
        profiler.enable()
        cpu_ms(who, args.profile, args.repeat)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
        return
    for path in PAGES:
        who = anonymous if for_visitors(path) else client
        cpu_ms(who, path, 20)
        times = sorted(cpu_ms(who, path, args.repeat))
        p90 = times[int(len(times) * 0.9)]
        print(
            f"{path:20} min {times[0]:6.2f}   median {statistics.median(times):6.2f}"
            f"   p90 {p90:6.2f} ms CPU"
        )


if __name__ == "__main__":
    main()
