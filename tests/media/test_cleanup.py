"""An image's files go when its post or its author's account is deleted, after the commit, and
stay if the transaction is rolled back."""

import io

from sqlalchemy import func, select

from app.extensions import db
from app.media.uploads import delete_files_after_commit
from app.models import Post, PostImage
from tests.media import samples


def write_post(client, count=2):
    fields = {"post": "pictures"}
    for n in range(1, count + 1):
        fields[f"image_{n}"] = (io.BytesIO(samples.jpeg()), "a.jpg")
        fields[f"alt_{n}"] = f"picture {n}"
    response = client.post("/index", data=fields, content_type="multipart/form-data")
    assert response.status_code == 302


def test_deleting_a_post_deletes_its_images_and_files(app, client, susan, media_files):
    write_post(client)
    write_post(client, count=1)
    assert len(media_files()) == 6
    with app.app_context():
        first, second = db.session.scalars(select(Post).order_by(Post.id)).all()
        kept = sorted(second.images[0].keys)
        db.session.delete(first)
        db.session.flush()
        assert len(media_files()) == 6  # not before the commit
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(PostImage)) == 1
    assert media_files() == kept


def test_a_rolled_back_delete_keeps_the_files(app, client, susan, media_files):
    write_post(client)
    with app.app_context():
        db.session.delete(db.session.scalar(select(Post)))
        db.session.flush()
        db.session.rollback()
        db.session.commit()  # a later commit does not remove them either
    assert len(media_files()) == 4


def test_deleting_one_image_deletes_its_files(app, client, susan, media_files):
    write_post(client)
    with app.app_context():
        image = db.session.scalar(select(PostImage).where(PostImage.position == 0))
        gone = set(image.keys)
        db.session.delete(image)
        db.session.commit()
    assert len(media_files()) == 2 and not gone & set(media_files())


def test_deleting_the_account_deletes_the_files(app, client, susan, media_files):
    write_post(client)
    assert len(media_files()) == 4
    response = client.post("/account/delete", data={"understood": "y"})
    assert response.headers["Location"] == "/auth/login"
    assert media_files() == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PostImage)) == 0


def test_files_set_to_go_stay_when_the_transaction_rolls_back(app, client, susan, media_files):
    write_post(client, count=1)
    with app.app_context():
        assert db.session.scalar(select(Post))  # in a transaction, as a view is
        delete_files_after_commit(media_files())
        db.session.rollback()
        db.session.commit()
    assert len(media_files()) == 2
