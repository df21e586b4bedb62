"""Time the home-page timeline query alone, on the DATABASE_URL database.

DATABASE_URL=sqlite:////tmp/bench.db .venv/bin/python benchmarks/timeline.py [--user user00001]
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


def in_query(user):
    """The query this replaced: every post of every author, sorted, then cut to a page."""
    followed = select(followers.c.followed_id).where(followers.c.follower_id == user.id)
    return (
        select(Post)
        .where(or_(Post.user_id == user.id, Post.user_id.in_(followed)))
        .order_by(Post.timestamp.desc(), Post.id.desc())
    )


def with_author(query):
    post = query.column_descriptions[0]["entity"]
    return query.options(joinedload(post.author))


def explain(query) -> str:
    sql = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = {"sqlite": "EXPLAIN QUERY PLAN ", "postgresql": "EXPLAIN ANALYZE "}.get(
        db.engine.dialect.name, "EXPLAIN "
    )
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + str(sql)).all()
    if db.engine.dialect.name == "sqlite":
        return "\n".join(f"{row[0]:>4} {row[1]:>4} {row[3]}" for row in rows)
    return "\n".join(" | ".join(str(value) for value in row) for row in rows)


def server_times(query, repeat: int) -> str:
    """PostgreSQL's own planning and execution times: the client's wall clock also counts
    everything else that runs on a busy machine."""
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
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
    parser.add_argument("--in-query", action="store_true", help="time the old IN query instead")
    parser.add_argument("--plan", action="store_true", help="print the query plan of page 1")
    args = parser.parse_args()

    app = create_app({"SECRET_KEY": "timeline-benchmark"})
    with app.app_context():
        posts = db.session.scalar(select(func.count()).select_from(Post))
        user = db.session.scalar(User.by_username(args.user))
        print(f"{db.engine.dialect.name}: {posts} posts; timeline of {user.username}")
        timeline = in_query if args.in_query else User.timeline
        for number in (int(page) for page in args.pages.split(",")):
            query = (
                with_author(timeline(user))
                .limit(args.per_page + 1)
                .offset((number - 1) * args.per_page)
            )
            if args.plan and number == 1:
                print(explain(query))
            # SQLite runs in this process, so CPU time is immune to the other load on the
            # machine; a server database's time is only visible on the wall clock.
            clock = time.process_time if db.engine.dialect.name == "sqlite" else time.perf_counter
            times = []
            for _ in range(args.repeat):
                started = clock()
                # timeline() itself runs inside the timing: it may query the database.
                rows = db.session.scalars(
                    with_author(timeline(user))
                    .limit(args.per_page + 1)
                    .offset((number - 1) * args.per_page)
                ).all()
                times.append((clock() - started) * 1000)
                db.session.expunge_all()
                user = db.session.merge(user, load=False)
            line = (
                f"page {number:>4}: {len(rows)} rows, median {statistics.median(times):.2f} ms,"
                f" max {max(times):.2f} ms"
            )
            if db.engine.dialect.name == "postgresql":
                line += "; " + server_times(query, args.repeat)
            print(line)


if __name__ == "__main__":
    main()
