"""Each statement a page sends: how often, its median wall time, and whether it ran inside a
transaction.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_pg \
        .venv/bin/python benchmarks/statements.py /index /post/1 [--requests 100]

The wall time includes the round trip and the database's own work, which pages.py (this
process's CPU) and instructions.py do not see: on PostgreSQL, where a page's time goes. A
statement marked "in a transaction" on a page that only reads has cost a BEGIN and a
ROLLBACK, and the ROLLBACK dropped what psycopg had prepared (app/speedups/transactions.py).
"""

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import for_visitors, logged_in_client  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402


def in_transaction(cursor) -> bool:
    info = getattr(cursor.connection, "info", None)  # psycopg's; other drivers say nothing
    return info is not None and info.transaction_status.name != "IDLE"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", metavar="PATH")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--user", default="user00001")
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
    client, anonymous = logged_in_client(app, args.user), app.test_client()
    with app.app_context():
        engine = db.engine
    seen: dict[str, list[float]] = defaultdict(list)
    inside: set[str] = set()

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn, cursor, statement, parameters, context, executemany):
        conn.info["statement_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def ended(conn, cursor, statement, parameters, context, executemany):
        seen[statement].append(time.perf_counter() - conn.info["statement_started"])
        if in_transaction(cursor):
            inside.add(statement)

    for path in args.pages:
        who = anonymous if for_visitors(path) else client
        for _ in range(10):  # warm: caches filled, statements prepared
            who.get(path)
        seen.clear()
        inside.clear()
        walls = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = who.get(path)
            walls.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
        print(f"{path}: median {statistics.median(walls) * 1000:.2f} ms a request (wall)")
        for statement, times in sorted(seen.items(), key=lambda item: -sum(item[1])):
            where = "in a transaction" if statement in inside else ""
            text = " ".join(statement.split())[:90]
            print(
                f"  {len(times) / args.requests:4.1f}x {statistics.median(times) * 1000:7.3f} ms"
                f"  {where:16} {text}"
            )


if __name__ == "__main__":
    main()
