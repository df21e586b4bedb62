"""`flask media seed` (images on seeded posts, for benchmarks and demos) and `flask media prune`
(stored files no image row refers to, left by a crash between writing and committing)."""

import io
import random
import time

import click
from flask.cli import AppGroup
from PIL import Image
from sqlalchemy import insert, select, update

from app.database import require_current_schema
from app.extensions import db
from app.media.images import process_image
from app.media.storage import new_key, storage
from app.models import Post, PostImage

media = AppGroup("media", help="Images of posts: seed some, prune stray files.")
COLORS = ["crimson", "gold", "teal", "navy", "orchid", "olive", "salmon", "slategray"]
CHUNK = 1000


def sample_pictures(rng: random.Random) -> list:
    """A few small generated pictures, encoded once as uploads are."""
    pictures = []
    for color in COLORS:
        image = Image.new("RGB", (640, 480), color)
        image.paste(rng.choice(COLORS), (0, 0, 320, 240))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG")
        pictures.append(process_image(buffer.getvalue(), 2**22, 10**6, 2048, 400))
    return pictures


@media.command("seed")
@click.option(
    "--percent",
    default=5,
    show_default=True,
    type=click.IntRange(0, 100),
    help="Share of the posts without images that get one.",
)
@click.option("--seed", "seed_value", type=int, help="Random seed, for a repeatable data set.")
def seed(percent: int, seed_value: int | None) -> None:
    """Give some posts an image each (its own files in MEDIA_FOLDER, with alt text)."""
    require_current_schema()
    rng = random.Random(seed_value)
    pictures = sample_pictures(rng)
    ids = db.session.scalars(select(Post.id).where(Post.image_count == 0).order_by(Post.id)).all()
    chosen = sorted(rng.sample(list(ids), len(ids) * percent // 100))
    store = storage()
    for start in range(0, len(chosen), CHUNK):
        part = chosen[start : start + CHUNK]
        rows = []
        for post_id in part:
            picture = rng.choice(pictures)
            keys = [new_key("jpg"), new_key("jpg")]
            store.save(keys[0], picture.image.data, "image/jpeg")
            store.save(keys[1], picture.thumbnail.data, "image/jpeg")
            rows.append(
                {
                    "post_id": post_id,
                    "position": 0,
                    "key": keys[0],
                    "thumbnail_key": keys[1],
                    "content_type": "image/jpeg",
                    "width": picture.image.width,
                    "height": picture.image.height,
                    "thumbnail_width": picture.thumbnail.width,
                    "thumbnail_height": picture.thumbnail.height,
                    "alt": "A seeded picture: two coloured rectangles",
                }
            )
        db.session.execute(insert(PostImage), rows)
        db.session.execute(update(Post).where(Post.id.in_(part)).values(image_count=1))
        db.session.commit()
    click.echo(f"Gave {len(chosen)} post(s) an image.")


@media.command("prune")
def prune() -> None:
    """Delete stored files that no image refers to (written over an hour ago: a newer one may
    belong to a post being written)."""
    require_current_schema()
    store = storage()
    known = {key for row in db.session.execute(select(PostImage.key, PostImage.thumbnail_key))
             for key in row}  # fmt: skip
    stray = [key for key in store.keys(time.time() - 3600) if key not in known]
    for key in stray:
        store.delete(key)
    click.echo(f"Deleted {len(stray)} stray file(s).")
