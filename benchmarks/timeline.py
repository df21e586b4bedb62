"""Time the home-page timeline query alone, on the DATABASE_URL database.

DATABASE_URL=sqlite:////tmp/bench.db .venv/bin/python benchmarks/timeline.py [--user user00001]
    [--orm | --in-query] [--plan]

By default it times what the home page runs: the timeline listing (app/speedups/page_queries.py)
through fetch_page, the statement built once and run with parameters. --orm times
the merged timeline (app/speedups/timeline.py) loading Post objects with their authors (the
API's timeline); --in-query the query this replaced.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, or_, select  # noqa: E402
from sqlalchemy.orm import joinedload  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Post, User, followers  # noqa: E402
from app.speedups.timeline import timeline as merged_timeline  # noqa: E402
from app.speedups.timeline_pages import timeline_page, timeline_page_query  # noqa: E402


def in_query(user):
    """The query this replaced: every post of every author, sorted, then cut to a page."""
    followed = select(followers.c.followed_id).where(followers.c.follower_id == user.id)
    return Post.newest_first(or_(Post.user_id == user.id, Post.user_id.in_(followed)))


def with_author(query):
    post = query.column_descriptions[0]["entity"]
    return query.options(joinedload(post.author))


def literal_sql(query, params: dict | None = None) -> str:
    if params:
        query = query.params(params)
    return str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))


def explain(sql: str) -> str:
    prefix = {"sqlite": "EXPLAIN QUERY PLAN ", "postgresql": "EXPLAIN ANALYZE "}.get(
        db.engine.dialect.name, "EXPLAIN "
    )
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + sql).all()
    if db.engine.dialect.name == "sqlite":
        return "\n".join(f"{row[0]:>4} {row[1]:>4} {row[3]}" for row in rows)
    return "\n".join(" | ".join(str(value) for value in row) for row in rows)


def server_times(sql: str, repeat: int) -> str:
    """PostgreSQL's own planning and execution times: the client's wall clock also counts
    everything else that runs on a busy machine. (The app plans a listing once per
    connection: psycopg prepares it.)"""
    planning, execution = [], []
    with db.engine.connect() as connection:
        for _ in range(repeat):
            plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql).scalar()
            planning.append(plan[0]["Planning Time"])
            execution.append(plan[0]["Execution Time"])
    return (
        f"server: planning {statistics.median(planning):.2f} ms,"
        f" execution {statistics.median(execution):.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="user00001")
    parser.add_argument("--per-page", type=int, default=25)
    parser.add_argument("--pages", default="1,2,10,100")
    parser.add_argument("--repeat", type=int, default=20)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--orm", action="store_true", help="time the merged timeline (ORM)")
    which.add_argument("--in-query", action="store_true", help="time the old IN query instead")
    parser.add_argument("--plan", action="store_true", help="print the query plan of page 1")
    args = parser.parse_args()

    app = create_app({"SECRET_KEY": "timeline-benchmark" * 2, "SERVER_NAME": "localhost"})
    with app.app_context():
        # SQLite runs in this process, so CPU time is immune to the other load on the
        # machine; a server database's time is only visible on the wall clock.
        clock = time.process_time if db.engine.dialect.name == "sqlite" else time.perf_counter
        posts = db.session.scalar(select(func.count()).select_from(Post))
        user = db.session.scalar(User.by_username(args.user))
        print(f"{db.engine.dialect.name}: {posts} posts; timeline of {user.username}")
        for number in (int(page) for page in args.pages.split(",")):
            window = {"page_limit": args.per_page + 1, "page_offset": (number - 1) * args.per_page}
            if args.plan and number == 1:
                print(explain(page_sql(args, user, window)))
            times = []
            for _ in range(args.repeat):
                started = clock()
                # The timeline's authors come from the database inside the timing.
                rows = load_page(args, user, number)
                times.append((clock() - started) * 1000)
                db.session.expunge_all()
                user = db.session.merge(user, load=False)
            line = (
                f"page {number:>4}: {len(rows)} rows, median {statistics.median(times):.2f} ms,"
                f" max {max(times):.2f} ms"
            )
            if db.engine.dialect.name == "postgresql":
                line += "; " + server_times(page_sql(args, user, window), args.repeat)
            print(line)


def orm_page(args, user: User, window: dict):
    timeline = in_query if args.in_query else merged_timeline
    query = with_author(timeline(user))
    return query.limit(window["page_limit"]).offset(window["page_offset"])


def load_page(args, user: User, number: int) -> list:
    if args.orm or args.in_query:
        window = {"page_limit": args.per_page + 1, "page_offset": (number - 1) * args.per_page}
        return db.session.scalars(orm_page(args, user, window)).all()
    return timeline_page(user, number, args.per_page).items


def page_sql(args, user: User, window: dict) -> str:
    if args.orm or args.in_query:
        return literal_sql(orm_page(args, user, window))
    depth = window["page_limit"] + window["page_offset"]
    query, params = timeline_page_query(user, depth)
    return literal_sql(query, {**params, **window})


if __name__ == "__main__":
    main()
