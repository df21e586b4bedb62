"""Migration 0029: post_image.source_url, empty for the images there are (an upload's, or a
remote one fetched before: its post's next Update fetches it again), long enough for any
address kept, and gone on the way down with the images staying."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users_with_posts
from tests.migrations.test_domain_moderation import tables

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)
URL = "https://social.example/media/" + "x" * 2000 + ".jpg"


def add_image(connection, image: sa.Table, post_id: int, **fields) -> None:
    connection.execute(image.insert().values(
        post_id=post_id, position=0, key="ab/x.jpg", thumbnail_key="ab/y.jpg",
        content_type="image/jpeg", width=2, height=1, thumbnail_width=2, thumbnail_height=1,
        alt="a photo", **fields))  # fmt: skip


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0029").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users_with_posts(connection, WHEN, {"susan": "by susan"})
            post_id = connection.execute(sa.select(tables("post")["post"].c.id)).scalar_one()
            add_image(connection, tables("post_image")["post_image"], post_id)
        flask_migrate.upgrade(revision="0029")
        image = tables("post_image")["post_image"]
        with db.engine.begin() as connection:
            assert connection.execute(sa.select(image.c.source_url)).scalars().all() == [None]
            add_image(connection, image, post_id, source_url=URL)
            urls = connection.execute(sa.select(image.c.source_url).order_by(image.c.id))
            assert urls.scalars().all() == [None, URL]

        flask_migrate.downgrade(revision=before)
        image = tables("post_image")["post_image"]
        assert "source_url" not in image.c
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(image.c.alt)).scalars().all() == ["a photo"] * 2
