"""`flask seed`: fill the database with many users, posts and follows, for benchmarks and demos."""

import random
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from itertools import islice

import click
from flask.cli import with_appcontext
from sqlalchemy import bindparam, delete, func, insert, select, text, update

from app.database import require_current_schema
from app.extensions import db
from app.models import (
    Alert,
    Block,
    Post,
    Tag,
    User,
    followers,
    password_hasher,
    post_tag,
    utcnow,
)
from app.models.followers import refresh_newest_posts
from app.models.moderation import HIDDEN
from app.models.post import site_path
from app.models.post_text import PostText
from app.models.reactions import Boost, Like, refresh_reaction_counts

CHUNK = 10_000
SPREAD = timedelta(days=365)

VOCABULARY = (
    "the a my our this that every some flask python database query index page post "
    "timeline follow friend coffee morning evening today tomorrow weekend release "
    "bug fix test deploy server request response cache template form login quick "
    "slow new old small large happy tired busy reading writing thinking about with "
    "from and but so because really quite very just again still never always"
)
WORDS = VOCABULARY.split()
# The tags of seeded posts; benchmarks/bench.py reads /tag/flask.
TAGS = ("flask", "python", "学习", "coffee", "release")


def progress(message: str) -> None:
    click.echo(message, err=True)


def chunks(rows: Iterator[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    while batch := list(islice(rows, size)):
        yield batch


def insert_rows(table, rows: Iterator[dict], total: int, label: str) -> None:
    """Insert in chunks, so memory stays flat and the progress line moves."""
    done = 0
    for batch in chunks(rows):
        db.session.execute(insert(table), batch)
        done += len(batch)
        progress(f"  {label}: {done}/{total}")


def post_body(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(4, 30))
    return " ".join(words).capitalize()[:280]


def tagged_body(rng: random.Random, names: Sequence[str]) -> str:
    """A post with a #tag and an @mention, in Markdown."""
    words = rng.choices(WORDS, k=rng.randint(3, 20))
    sentence = " ".join(words).capitalize()
    return f"{sentence} *{rng.choice(WORDS)}* #{rng.choice(TAGS)} @{rng.choice(names)}"


def seed_tags_and_mentions(names: Sequence[str]) -> None:
    """The HTML, tags and mention alerts of the seeded Markdown posts (those with a body_html
    placeholder), as Post.write would have made them."""
    known = set(names)
    tag_ids = dict(zip(TAGS, Tag.ids_for(list(TAGS)), strict=True))
    user_ids = dict(db.session.execute(select(User.username, User.id)).all())
    rows = db.session.execute(
        select(Post.id, Post.body, Post.timestamp, Post.user_id).where(Post.body_html == "")
    ).all()
    tagged, alerts = [], []
    for row in rows:
        text = PostText.parse(row.body)
        html = text.html(
            known,
            lambda name: site_path("main.user", username=name),
            lambda name: site_path("tags.tag", name=name),
        )
        db.session.execute(Post.__table__.update().where(Post.id == row.id).values(body_html=html))
        tagged += [
            {"post_id": row.id, "tag_id": tag_ids[tag], "post_timestamp": row.timestamp}
            for tag in text.tags()
        ]
        alerts += [
            {"user_id": user_ids[name], "kind": "mention", "actor_id": row.user_id,
             "post_id": row.id, "timestamp": row.timestamp}
            for name in text.mentions()
            if user_ids[name] != row.user_id
        ]  # fmt: skip
    insert_rows(post_tag, iter(tagged), len(tagged), "tags")
    insert_rows(Alert, iter(alerts), len(alerts), "mentions")


def followed_ids(rng: random.Random, user_ids: Sequence[int], index: int, count: int) -> list[int]:
    """`count` distinct users other than user_ids[index], chosen at random."""
    picks = rng.sample(range(len(user_ids) - 1), count)
    # Skip over the follower itself: positions at or after it shift up by one.
    return [user_ids[p + 1 if p >= index else p] for p in picks]


# Replies: the first post's conversation gets this many of them (the benchmark's /post/1),
# and every other reply answers one of the posts written just before it.
THREAD = 200
NEARBY = 50


def reply_parents(rng: random.Random, keys: Sequence, replies: int) -> Iterator[dict]:
    """For `replies` posts of `keys` ((id, timestamp) oldest first), an older post to answer."""
    first = min(range(len(keys)), key=lambda n: keys[n][0])
    positions = sorted(rng.sample(range(1, len(keys)), min(replies, len(keys) - 1)))
    later = [n for n in positions if n > first]
    thread = set(later[:: max(1, len(later) // THREAD)][:THREAD])
    members = [first]
    for n in positions:
        if n in thread:
            parent = rng.choice(members)
            members.append(n)
        else:
            parent = n - 1 - rng.randrange(min(n, NEARBY))
        yield {"reply_id": keys[n][0], "parent_id": keys[parent][0]}


def seed_replies(rng: random.Random, replies: int) -> None:
    post = Post.__table__
    keys = db.session.execute(select(post.c.id, post.c.timestamp).order_by("timestamp", "id")).all()
    answer = (
        update(post)
        .where(post.c.id == bindparam("reply_id"))
        .values(in_reply_to_id=bindparam("parent_id"), is_reply=True)
    )
    done = 0
    for batch in chunks(reply_parents(rng, keys, replies)):
        db.session.connection().execute(answer, batch)
        done += len(batch)
        progress(f"  replies: {done}/{replies}")


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


def seed_reactions(
    rng: random.Random, user_ids: Sequence[int], likes: int, boosts: int, now: datetime
) -> None:
    """Likes and boosts of random posts by random users (one of each kind per user and post),
    each after its post, and the posts' counts of them."""
    posts = db.session.execute(select(Post.id, Post.timestamp)).all()
    if not posts:
        return
    for model, total, label in ((Like, likes, "likes"), (Boost, boosts, "boosts")):
        total = min(total, len(posts) * len(user_ids))
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < total:
            pairs.add((rng.choice(user_ids), rng.randrange(len(posts))))
        rows = (
            {
                "user_id": user_id,
                "post_id": posts[n].id,
                "timestamp": posts[n].timestamp + (now - posts[n].timestamp) * rng.random(),
            }
            for user_id, n in pairs
        )
        insert_rows(model, rows, total, label)
    refresh_reaction_counts()
    progress("  likes and boosts: counted on their posts")


def seed_moderation(rng: random.Random, user_ids: list[int], hidden: int, mutes: int) -> None:
    """Hide `hidden` random posts; each user mutes `mutes` random others (block_total kept)."""
    if hidden:
        post_ids = db.session.scalars(select(Post.id)).all()
        chosen = rng.sample(post_ids, min(hidden, len(post_ids)))
        db.session.execute(update(Post).where(Post.id.in_(chosen)).values(hidden=HIDDEN))
        progress(f"  posts: {len(chosen)} hidden")
    if mutes:
        insert_rows(
            Block,
            (
                {"user_id": user, "target_id": target, "kind": "mute", "created_at": utcnow()}
                for index, user in enumerate(user_ids)
                for target in followed_ids(rng, user_ids, index, mutes)
            ),
            len(user_ids) * mutes,
            "mutes",
        )
        db.session.execute(update(User).values(block_total=mutes))


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
) -> None:
    """Fill the database with users user00001…, random posts and random follows."""
    require_current_schema()
    existing = db.session.scalar(select(func.count()).select_from(User)) or 0
    if existing and not force:
        raise click.ClickException(
            f"The database already has {existing} users: pass --force to delete them first."
        )
    if follows >= users:
        raise click.ClickException(f"--follows must be less than --users ({users}).")

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
                "user_id": rng.choice(user_ids),
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
            for followed in followed_ids(rng, user_ids, index, follows)
        ),
        users * follows,
        "follows",
    )
    if likes or boosts:
        seed_reactions(rng, user_ids, likes, boosts, now)
    seed_moderation(rng, user_ids, hidden, mutes)
    # Bulk inserts skip the ORM's bookkeeping of each author's newest post.
    refresh_newest_posts(db.session.connection())
    progress("  follows: newest post of each followed user recorded")
    db.session.commit()
    analyze()
    progress(f"Seeded in {time.perf_counter() - started:.1f} s.")
