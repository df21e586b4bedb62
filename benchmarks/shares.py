"""What share of the home page's CPU time each part costs, by taking it away.

    DATABASE_URL=sqlite:////tmp/perf.db .venv/bin/python benchmarks/shares.py [--rounds 15]

One process, the Flask test client (as pages.py): rounds of 20 requests of /index as it is,
then with one part replaced by its first result kept (the timeline's page, the rendered
template, the signed-in user's query), in turn. A part's share is how much faster the page
gets without it. The runs interleave, so a loaded machine slows them all alike; cProfile,
whose cost per call swamps code of many small calls, overstates such code several times.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pages  # noqa: E402

import app.main.routes as main_routes  # noqa: E402
from app import create_app  # noqa: E402


def kept_first(function):
    """`function`, answering every call with its first result."""
    kept = []

    def first(*args, **kwargs):
        if not kept:
            kept.append(function(*args, **kwargs))
        return kept[0]

    return first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--user", default="user00001")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database that `flask seed` filled.")
    app = create_app({"SECRET_KEY": "shares-benchmark" * 3, "SERVER_NAME": "localhost"})
    app.config["RATELIMIT_ENABLED"] = False
    client = pages.logged_in_client(app, args.user)
    post_pages = app.extensions["microblog.post_pages"]
    render, timeline = main_routes.render_template, post_pages.timeline_page
    load_user = app.login_manager._user_callback
    kept_user = kept_first(load_user)

    def signed_in_user(login_id):
        user = kept_user(login_id)
        main_routes.db.session.add(user)  # the next request's session
        return user

    without = {
        "nothing": lambda: None,
        "the timeline": lambda: setattr(post_pages, "timeline_page", kept_first(timeline)),
        "rendering": lambda: setattr(main_routes, "render_template", kept_first(render)),
        "the user's query": lambda: setattr(app.login_manager, "_user_callback", signed_in_user),
    }
    times: dict[str, list[float]] = {part: [] for part in without}
    pages.cpu_ms(client, "/index", 20)
    for _ in range(args.rounds):
        for part, take_away in without.items():
            take_away()
            times[part] += pages.cpu_ms(client, "/index", 20)
            post_pages.timeline_page, main_routes.render_template = timeline, render
            app.login_manager._user_callback = load_user
    whole = statistics.median(times["nothing"])
    for part, each in times.items():
        saved = whole - statistics.median(each)
        print(f"without {part:18} {statistics.median(each):6.2f} ms  ({saved / whole:4.0%} less)")


if __name__ == "__main__":
    main()
