"""`flask media seed` gives seeded posts images with their files; `flask media prune` deletes
old files no image refers to, and nothing else."""

import os
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.media.storage import LocalStorage, new_key
from app.models import Post, PostImage, User


@pytest.fixture
def app(app_on_each_database, tmp_path):
    """A migrated database (the commands check the schema), its files in a temporary folder."""
    app_on_each_database.config["MEDIA_FOLDER"] = str(tmp_path / "media")
    return app_on_each_database


def test_seed_gives_a_share_of_the_posts_an_image(app, runner, media_files):
    with app.app_context():
        author = User(username="susan", email="susan@example.com")
        db.session.add(author)
        db.session.add_all(Post(body=f"post {n}", author=author) for n in range(10))
        db.session.commit()
    result = runner.invoke(args=["media", "seed", "--percent", "50", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Gave 5 post(s) an image." in result.output
    with app.app_context():
        images = db.session.scalars(select(PostImage)).all()
        assert len(images) == 5 and all(image.alt for image in images)
        assert db.session.scalar(select(func.sum(Post.image_count))) == 5
        assert sorted(key for image in images for key in image.keys) == media_files()


def test_prune_deletes_only_old_stray_files(app, runner, media_files):
    store = LocalStorage(app.config["MEDIA_FOLDER"])
    old_stray, new_stray = new_key("png"), new_key("png")
    for key in (old_stray, new_stray):
        store.save(key, b"x", "image/png")
    hour_ago = time.time() - 4000
    os.utime(store.path(old_stray), (hour_ago, hour_ago))
    result = runner.invoke(args=["media", "prune"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 stray file(s)." in result.output
    assert media_files() == [new_stray]
