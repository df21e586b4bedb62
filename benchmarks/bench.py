"""Seed a fresh database, serve microblog with gunicorn, and load its pages with wrk.

    .venv/bin/python benchmarks/bench.py [--database URL] [--users 10000 --posts 500000
        --follows 100] [--duration 10]

Without --database the data goes into a fresh SQLite file; with a postgresql:// or
mysql:// URL a fresh database is created on that server and dropped afterwards.
Everything listens on and talks to 127.0.0.1 only.
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PASSWORD = "benchmark-password"
USER = "user00001"
# One browser: Flask-Login ties the session to the User-Agent ("basic" session protection),
# so a login under one agent and pages loaded under another would rewrite the session
# cookie on every request, which no real browser does.
USER_AGENT = "microblog-bench"
PAGES = [
    ("/", False),  # the visitors' front page
    ("/index", True),
    ("/explore", True),
    ("/user/user00002", True),
    ("/post/1", True),  # a conversation of a few hundred replies (flask seed --replies)
    ("/post/1/likes", True),  # who liked a post
    ("/tag/flask", True),  # flask seed --tagged: a share of the posts carry #flask
    ("/alerts", True),
    ("/auth/login", False),
    ("/explore/feed.atom", False),  # feed readers: no cookie
    ("/user/user00002/feed.json", False),
]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("wrk is missing: install it (Debian: `apt-get install -y wrk`) and run again.")
    log("Installing wrk with apt-get…")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("apt-get did not install wrk")


@contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    """A URL to an empty database, removed again afterwards."""
    if not url:
        with tempfile.TemporaryDirectory(prefix="microblog-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    sys.path.insert(0, str(ROOT))
    from config import database_url

    base = sa.engine.make_url(database_url(url))
    if base.get_backend_name() == "sqlite":
        yield base.render_as_string(hide_password=False)
        return
    name = f"bench_{uuid.uuid4().hex[:8]}"
    # CREATE/DROP DATABASE cannot run inside a transaction on PostgreSQL.
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    quoted = admin.dialect.identifier_preparer.quote_identifier(name)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        force = " WITH (FORCE)" if base.get_backend_name() == "postgresql" else ""
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted}{force}")
        admin.dispose()


def app_environment(database: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAIL_")}
    env.update(
        DATABASE_URL=database,
        SECRET_KEY="benchmark-secret-key-of-at-least-32-characters",
        SERVER_NAME="127.0.0.1",
        PREFERRED_URL_SCHEME="http",
        RATELIMIT_ENABLED="0",
        FLASK_APP="microblog.py",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    log("$ " + " ".join(command))
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=3600)


@contextmanager
def gunicorn(app: str, env: dict[str, str]) -> Iterator[str]:
    """Serve `app` with 2 sync workers on a free local port; stop it on exit."""
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        "--workers=2",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        app,
    ]
    log("$ " + " ".join(command))
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start serving {app}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(base: str) -> str:
    """Log in through the real form (CSRF token included); return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(f"{base}/auth/login", timeout=30) as response:
        page = response.read().decode()
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if not match:
        raise RuntimeError("the login page has no CSRF token")
    form = {"csrf_token": match.group(1), "username": USER, "password": PASSWORD}
    try:
        opener.open(f"{base}/auth/login", urllib.parse.urlencode(form).encode(), timeout=30)
        raise RuntimeError("logging in did not redirect: wrong password or form error?")
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
    # The first page after logging in puts a CSRF token in the session (login starts a new
    # one), as a browser's first page does: load it here, so the load reuses that cookie.
    opener.open(f"{base}/index", timeout=30).close()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def check_page(url: str, cookie: str | None) -> None:
    """wrk counts a redirect as success, so make sure the page itself is served, and
    without a new session cookie (wrk would not keep it, and the app would sign one on
    every request)."""
    headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}, not 200")
        if cookie and response.headers.get("Set-Cookie"):
            raise RuntimeError(f"{url} rewrote the session cookie: the load would measure that")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> dict[str, float]:
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "errors": 0,
    }
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result["errors"] += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result["errors"] += sum(int(n) for n in match.groups())
    return result


def load(wrk: str, url: str, cookie: str | None, args) -> dict[str, float]:
    headers = ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", "--latency", *headers]
    # A short warm-up first: the first requests pay for imports, caches and cold pages.
    subprocess.run([*command, "-d1s", url], capture_output=True, check=True, timeout=60)
    log(f"  wrk {url} for {args.duration} s")
    output = subprocess.run(
        [*command, f"-d{args.duration}s", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=args.duration + 60,
    ).stdout
    return parse_wrk(output)


def summarize(runs: list[dict[str, float]], floors: list[dict[str, float]]) -> dict:
    """A page's runs, each with the floor measured right after it: medians, the worst p99,
    all errors, and the throughput ratio to the adjacent floor run (median over rounds)."""
    ratios = [run["rps"] / floor["rps"] for run, floor in zip(runs, floors, strict=True)]
    return {
        "rps": statistics.median(run["rps"] for run in runs),
        "p50": statistics.median(run["p50"] for run in runs),
        "p99": max(run["p99"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "ratio": statistics.median(ratios),
        "ratios": ratios,
    }


def print_table(results: dict[str, dict | None], floors: list[dict[str, float]]) -> None:
    print(
        f"{'page':<18}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'of floor':>10}"
        "   each round"
    )
    floor = {**summarize(floors, floors), "ratios": []}
    for page, r in [*results.items(), ("hello (floor)", floor)]:
        if r is None:
            print(f"{page:<18}{'failed: not a 200, see the log above':>45}")
            continue
        rounds = " ".join(f"{ratio:.1%}" for ratio in r["ratios"])
        print(
            f"{page:<18}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['errors']:>8.0f}{r['ratio']:>10.1%}   {rounds}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a server URL to create a fresh database on")
    parser.add_argument(
        "--seeded",
        metavar="URL",
        help="a database `flask seed` already filled (same --password): loaded as it is",
    )
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=500_000)
    parser.add_argument("--follows", type=int, default=100)
    parser.add_argument("--replies", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--likes", type=int, default=200_000)
    parser.add_argument("--boosts", type=int, default=20_000)
    parser.add_argument("--images", type=int, default=5, help="percent of posts with an image")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="repeat every page this often")
    parser.add_argument(
        "--pages", help="only these of the page list, comma-separated (e.g. /index,/explore)"
    )
    parser.add_argument("--hidden", type=int, default=0, help="flask seed --hidden")
    parser.add_argument("--mutes", type=int, default=0, help="flask seed --mutes (user00001 too)")
    parser.add_argument(
        "--remote", type=int, default=0, help="flask seed --remote: accounts of other servers"
    )
    args = parser.parse_args()
    wrk = require_wrk()

    with ExitStack() as stack:
        database = args.seeded or stack.enter_context(fresh_database(args.database))
        env = app_environment(database)
        # The seeded images' files, gone with the run.
        env["MEDIA_FOLDER"] = stack.enter_context(tempfile.TemporaryDirectory())
        if not args.seeded:
            flask = str(VENV_BIN / "flask")
            run([flask, "db", "upgrade"], env)
            sizes = [f"--users={args.users}", f"--posts={args.posts}", f"--follows={args.follows}"]
            sizes.append(f"--replies={args.replies}")
            sizes += [f"--likes={args.likes}", f"--boosts={args.boosts}"]
            sizes += [f"--hidden={args.hidden}", f"--mutes={args.mutes}", f"--remote={args.remote}"]
            run([flask, "seed", *sizes, f"--password={PASSWORD}", f"--seed={args.seed}"], env)
            run([flask, "media", "seed", f"--percent={args.images}", f"--seed={args.seed}"], env)

        with (
            gunicorn("microblog:app", env) as base,
            gunicorn("benchmarks.hello_app:app", env) as floor_base,
        ):
            cookie = log_in(base)
            pages = {}
            for path, logged_in in PAGES:
                if args.pages and path not in args.pages.split(","):
                    continue
                try:
                    check_page(base + path, cookie if logged_in else None)
                    pages[path] = cookie if logged_in else None
                except urllib.error.HTTPError as error:
                    log(f"  {path} answered {error.code}: not loaded")
            # The machine's speed drifts by tens of percent over minutes, so each page is
            # compared with the floor measured right after it, and rounds repeat the lot.
            runs = {path: [] for path in pages}
            floors = {path: [] for path in pages}
            for _ in range(args.rounds):
                for path, page_cookie in pages.items():
                    runs[path].append(load(wrk, base + path, page_cookie, args))
                    floors[path].append(load(wrk, floor_base + "/", None, args))
    results = {
        path: summarize(runs[path], floors[path]) if path in pages else None
        for path, _ in PAGES
        if not args.pages or path in args.pages.split(",")
    }
    print(
        f"{database.split('://')[0]}: {args.users} users, {args.posts} posts, "
        f"{args.follows} follows each; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s, {args.rounds} round(s); the floor measured after each page"
    )
    print_table(results, [floor for each in floors.values() for floor in each])


if __name__ == "__main__":
    main()
