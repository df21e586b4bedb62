"""`flask seed`: fill the database with many users, posts and follows, for benchmarks and demos."""

import random
import time
from datetime import UTC, datetime, timedelta
from itertools import count

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, func, select, text, update

from app.database import require_current_schema
from app.extensions import db
from app.models import (
    Block,
    Post,
    RemoteActor,
    Tag,
    User,
    followers,
    password_hasher,
)
from app.models.followers import refresh_newest_posts
from app.models.reactions import Boost, Like
from app.seed_rows import (
    followed_ids,
    insert_rows,
    post_body,
    progress,
    seed_moderation,
    seed_reactions,
    seed_remote_accounts,
    seed_replies,
    seed_tags_and_mentions,
    tagged_body,
)

SPREAD = timedelta(days=365)


def analyze() -> None:
    """Bring the planner's statistics up to date now rather than when autovacuum gets to it."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        # VACUUM also marks the new pages all-visible; until then PostgreSQL prices index-only
        # scans like plain ones, and the timeline falls back to sorting every followed post.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    elif dialect in {"mysql", "mariadb"}:
        db.session.execute(text("ANALYZE TABLE user, post, followers"))
        db.session.commit()


@click.command("seed")
@click.option("--users", default=100, show_default=True, type=click.IntRange(min=1))
@click.option("--posts", default=1000, show_default=True, type=click.IntRange(min=0))
@click.option(
    "--follows",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many others each user follows.",
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    help="The password of every seeded user.",
)
@click.option(
    "--replies",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many of the posts answer an older post.",
)
@click.option("--likes", default=0, show_default=True, type=click.IntRange(min=0))
@click.option(
    "--boosts",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Boosts by random users of random posts, each after its post.",
)
@click.option(
    "--tagged",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="The share of posts in Markdown with a #tag and an @mention.",
)
@click.option(
    "--hidden",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many random posts a moderator has hidden.",
)
@click.option(
    "--mutes",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many random others each user mutes.",
)
@click.option(
    "--remote",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Accounts of other servers (on made-up hosts), among the authors, followed and boosters.",
)
@click.option("--seed", "seed_value", type=int, help="Random seed, for a repeatable data set.")
@click.option("--force", is_flag=True, help="Delete every existing user, post and follow first.")
@with_appcontext
def seed(
    users: int,
    posts: int,
    follows: int,
    replies: int,
    likes: int,
    boosts: int,
    password: str,
    tagged: float,
    seed_value: int | None,
    force: bool,
    hidden: int = 0,
    mutes: int = 0,
    remote: int = 0,
) -> None:
    """Fill the database with users user00001…, random posts and random follows."""
    require_current_schema()
    existing = db.session.scalar(select(func.count()).select_from(User)) or 0
    if existing and not force:
        raise click.ClickException(
            f"The database already has {existing} users: pass --force to delete them first."
        )
    if follows >= users + remote:
        raise click.ClickException(
            f"--follows must be less than --users and --remote together ({users + remote})."
        )

    started = time.perf_counter()
    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    if existing:
        progress(f"Deleting {existing} users with their posts and follows…")
        db.session.execute(delete(Block))
        db.session.execute(delete(followers))
        db.session.execute(update(Post).values(in_reply_to_id=None))  # no cascade within post
        db.session.execute(delete(Like))
        db.session.execute(delete(Boost))
        db.session.execute(delete(Post))
        db.session.execute(delete(Tag))
        db.session.execute(delete(RemoteActor))
        db.session.execute(delete(User))

    # One hash for everybody: Argon2 is slow by design, and 10,000 hashes would take minutes.
    password_hash = password_hasher().hash(password)
    width = max(5, len(str(users)))
    names = [f"user{n:0{width}d}" for n in range(1, users + 1)]
    progress(f"Seeding {users} users, {posts} posts, {follows} follows each…")
    insert_rows(
        User,
        (
            {
                "username": name,
                "email": f"{name}@example.com",
                "password_hash": password_hash,
                "created_at": now - SPREAD,
                "last_seen": now,
            }
            for name in names
        ),
        users,
        "users",
    )
    by_name = dict(db.session.execute(select(User.username, User.id)).all())
    user_ids = [by_name[name] for name in names]

    # Accounts elsewhere write posts (with their Note's id), are followed and boost as ours do.
    actors = seed_remote_accounts(remote, now - SPREAD) if remote else {}
    authors = user_ids + list(actors)
    statuses = count(1)

    def author_fields(author: int) -> dict:
        uri = f"{actors[author]}/statuses/{next(statuses)}" if author in actors else None
        return {"user_id": author, "uri": uri}

    seconds = SPREAD.total_seconds()
    insert_rows(
        Post,
        (
            {
                # body_html "" marks a Markdown post, rendered by seed_tags_and_mentions.
                **(
                    {"body": tagged_body(rng, names), "body_html": ""}
                    if rng.random() < tagged
                    else {"body": post_body(rng), "body_html": None}
                ),
                "timestamp": now - timedelta(seconds=rng.random() * seconds),
                **author_fields(rng.choice(authors)),
                "language": "en",
            }
            for _ in range(posts)
        ),
        posts,
        "posts",
    )
    if replies and posts > 1:
        seed_replies(rng, replies)
    seed_tags_and_mentions(names)
    insert_rows(
        followers,
        (
            {"follower_id": follower, "followed_id": followed}
            for index, follower in enumerate(user_ids)
            for followed in followed_ids(rng, authors, index, follows)
        ),
        users * follows,
        "follows",
    )
    if likes or boosts:
        seed_reactions(rng, authors, likes, boosts, now)
    seed_moderation(rng, user_ids, hidden, mutes)
    # Bulk inserts skip the ORM's bookkeeping of each author's newest post.
    refresh_newest_posts(db.session.connection())
    progress("  follows: newest post of each followed user recorded")
    db.session.commit()
    analyze()
    progress(f"Seeded in {time.perf_counter() - started:.1f} s.")
