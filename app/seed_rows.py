"""The rows `flask seed` writes (app/seed.py), in chunks: posts' words, follows, replies, tags
and mentions, likes and boosts, hidden posts and mutes."""

import random
from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import islice

import click
from sqlalchemy import bindparam, insert, select, update

from app.extensions import db
from app.models import (
    ActorDomain,
    Alert,
    Block,
    Post,
    RemoteActor,
    Tag,
    User,
    post_tag,
    utcnow,
)
from app.models.mentions import site_path
from app.models.moderation import HIDDEN
from app.models.post_text import PostText
from app.models.reactions import Boost, Like, refresh_reaction_counts
from app.models.remote_actor import domain_and_parents, domain_of

CHUNK = 10_000
# `flask seed --remote`'s accounts live on this many made-up hosts (.example: never real).
REMOTE_HOSTS = 10
REMOTE_KEY = "-----BEGIN PUBLIC KEY-----\nseeded, never used\n-----END PUBLIC KEY-----\n"

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
    """For `replies` posts of `keys` ((id, timestamp) oldest first), an older post to answer,
    and the conversation that puts the reply in (ThreadMixin.conversation_id)."""
    first = min(range(len(keys)), key=lambda n: keys[n][0])
    positions = sorted(rng.sample(range(1, len(keys)), min(replies, len(keys) - 1)))
    later = [n for n in positions if n > first]
    thread = set(later[:: max(1, len(later) // THREAD)][:THREAD])
    members = [first]
    conversation: dict[int, int] = {}  # reply id -> its conversation, the parents' first
    for n in positions:
        if n in thread:
            parent = rng.choice(members)
            members.append(n)
        else:
            parent = n - 1 - rng.randrange(min(n, NEARBY))
        reply_id, parent_id = keys[n][0], keys[parent][0]
        conversation[reply_id] = conversation.get(parent_id, parent_id)
        yield {"reply_id": reply_id, "parent_id": parent_id, "conversation": conversation[reply_id]}


def seed_replies(rng: random.Random, replies: int) -> None:
    post = Post.__table__
    keys = db.session.execute(select(post.c.id, post.c.timestamp).order_by("timestamp", "id")).all()
    answer = (
        update(post)
        .where(post.c.id == bindparam("reply_id"))
        .values(
            in_reply_to_id=bindparam("parent_id"),
            is_reply=True,
            conversation_id=bindparam("conversation"),
        )
    )
    done = 0
    for batch in chunks(reply_parents(rng, keys, replies)):
        db.session.connection().execute(answer, batch)
        done += len(batch)
        progress(f"  replies: {done}/{replies}")


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


def remote_host(number: int) -> str:
    return f"social{number % REMOTE_HOSTS}.example"


def seed_remote_accounts(count: int, now: datetime) -> dict[int, str]:
    """`count` accounts of other servers, remote00001@social1.example…, each with its
    remote_actor row, as the inbox remembers them; by id, each one's actor URI."""
    width = max(5, len(str(count)))
    accounts = [(f"remote{n:0{width}d}", remote_host(n)) for n in range(1, count + 1)]
    insert_rows(
        User,
        (
            {"username": f"{name}@{host}", "created_at": now, "last_seen": now,
             "approve_followers": True}
            for name, host in accounts
        ),
        count,
        "remote accounts",
    )  # fmt: skip
    # Local names hold no '@' (app/auth/forms.py): these are the accounts just written.
    remote = select(User.username, User.id).where(User.username.contains("@"))
    ids = dict(db.session.execute(remote).all())
    actors = {ids[f"{name}@{host}"]: f"https://{host}/users/{name}" for name, host in accounts}
    insert_rows(
        RemoteActor,
        (
            {"user_id": user_id, "uri": uri, "inbox": f"{uri}/inbox",
             "shared_inbox": f"{uri.split('/users/')[0]}/inbox", "public_key_pem": REMOTE_KEY,
             "key_id": f"{uri}#main-key", "fetched_at": now, "profile_url": uri,
             "domain": domain_of(uri)}
            for user_id, uri in actors.items()
        ),
        count,
        "remote actors",
    )  # fmt: skip
    insert_rows(
        ActorDomain,
        (
            {"user_id": user_id, "domain": domain}
            for user_id, uri in actors.items()
            for domain in domain_and_parents(domain_of(uri))
        ),
        count * 2,
        "remote actors' domains",
    )
    return actors
