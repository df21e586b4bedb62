"""Migration 0019 adds post images and each post's image count: existing posts count none,
images go with their post (ON DELETE CASCADE in the database) and so with its author, and the
downgrade keeps the posts."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users, insert_users_with_posts

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)


def test_up_cascade_and_down(app, scripts):
    before = scripts.get_revision("0019").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users_with_posts(connection, WHEN, {"susan": "by susan", "john": "by john"})
        flask_migrate.upgrade(revision="0019")

        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine, only=["user", "post", "post_image"])
        post, image = metadata.tables["post"], metadata.tables["post_image"]
        with db.engine.begin() as connection:
            counts = connection.execute(sa.select(post.c.image_count)).scalars().all()
            assert counts == [0, 0]
            posts = dict(connection.execute(sa.select(post.c.body, post.c.id)).all())
            for body, post_id in posts.items():
                connection.execute(image.insert().values(
                    post_id=post_id, position=0, key="ab/x.jpg", thumbnail_key="ab/y.jpg",
                    content_type="image/jpeg", width=2, height=1, thumbnail_width=2,
                    thumbnail_height=1, alt=f"of {body}"))  # fmt: skip
            connection.execute(post.delete().where(post.c.id == posts["by susan"]))
            user = metadata.tables["user"]
            connection.execute(user.delete().where(user.c.username == "john"))
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(image.c.alt)).scalars().all() == []

        with db.engine.begin() as connection:
            insert_users(connection, {"ann": WHEN})
            ann = connection.execute(
                sa.select(user.c.id).where(user.c.username == "ann")
            ).scalar_one()
            connection.execute(post.insert().values(
                body="by ann", timestamp=WHEN, user_id=ann, image_count=1))  # fmt: skip
            post_id = connection.execute(sa.select(post.c.id)).scalar_one()
            connection.execute(image.insert().values(
                post_id=post_id, position=0, key="ab/x.jpg", thumbnail_key="ab/y.jpg",
                content_type="image/jpeg", width=2, height=1, thumbnail_width=2,
                thumbnail_height=1, alt="kept until the downgrade"))  # fmt: skip

        flask_migrate.downgrade(revision=before)
        inspector = sa.inspect(db.engine)
        assert "post_image" not in inspector.get_table_names()
        assert "image_count" not in {c["name"] for c in inspector.get_columns("post")}
        with db.engine.connect() as connection:
            bodies = connection.execute(sa.text("SELECT body FROM post")).scalars().all()
            assert bodies == ["by ann"]
