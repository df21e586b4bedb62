"""The images of bob's posts: fetched from his server (a real one on 127.0.0.1) after the
inbox has committed the post, checked and encoded again as uploads are, stored as the post's."""

import io
import logging
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, select, text

from app.extensions import db
from app.models import FollowRequest, Post, PostImage, RemoteActor, User, utcnow
from tests.activitypub.federated.remote import SETTINGS
from tests.conftest import AuthActions, add_user
from tests.federation.servers import Reply
from tests.media.samples import GPS_IFD, jpeg, png, png_bomb, webp

JPEG = {"Content-Type": "image/jpeg"}
PNG = {"Content-Type": "image/png"}


def susan_follows_bob(app, client, bob) -> None:
    add_user(app, "susan", confirmed_at=utcnow())
    bob.post(client, bob.activity("Flag", "x"))  # bob is remembered
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        bob_user = RemoteActor.by_uri(bob.actor).user
        susan.ask_to_follow(bob_user)
        FollowRequest.between(susan, bob_user).accept()
        db.session.commit()


def image(url: str, alt: str | None, media_type: str = "image/jpeg", kind: str = "Document"):
    return {"type": kind, "mediaType": media_type, "url": url, "name": alt}


def post_of(note: dict) -> Post:
    return db.session.scalar(select(Post).where(Post.uri == note["id"]))


def stored(app, key: str) -> Image.Image:
    with Image.open(Path(app.config["MEDIA_FOLDER"]) / key) as image:
        image.load()
        return image


def test_the_images_are_fetched_checked_and_stored_with_their_alt_text(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/media/photo.jpg"] = Reply(200, jpeg((300, 200), gps=True), JPEG)
    bob.server.routes["/media/chart.png"] = Reply(200, png(), PNG)
    attachments = [
        image(f"{bob.server.url}/media/photo.jpg", " A red and blue flag "),
        # A Link for its url, as some servers send; Image rather than Document; no alt text.
        {"type": "Image", "url": {"type": "Link", "href": f"{bob.server.url}/media/chart.png",
                                  "mediaType": "image/png"}},
        image(f"{bob.server.url}/media/clip.mp4", "a video", "video/mp4"),
    ]  # fmt: skip
    note = bob.note("<p>Pictures</p>", attachment=attachments)
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        post = post_of(note)
        assert post.image_count == 2
        photo, chart = post.images
        assert (photo.alt, photo.content_type) == ("A red and blue flag", "image/jpeg")
        assert (chart.alt, chart.content_type) == ("", "image/png")
        assert (photo.position, chart.position) == (0, 1)
        assert (photo.width, photo.height) == (300, 200)
        assert GPS_IFD not in stored(app, photo.key).getexif()  # encoded again: no EXIF
        thumbnail = stored(app, chart.thumbnail_key)
        assert thumbnail.size == (chart.thumbnail_width, chart.thumbnail_height)
    fetched = [r.path for r in bob.server.received if r.path.startswith("/media/")]
    assert fetched == ["/media/photo.jpg", "/media/chart.png"]  # never the video
    AuthActions(client).login("susan")
    page = client.get("/index").text
    assert 'alt="A red and blue flag"' in page and photo.thumbnail_key in page


def test_a_bad_or_unreachable_image_is_left_out_and_logged(app, client, bob, caplog):
    susan_follows_bob(app, client, bob)
    routes = bob.server.routes
    routes["/media/good.webp"] = Reply(200, webp(), {"Content-Type": "image/webp"})
    routes["/media/page.jpg"] = Reply(200, b"<html>hi</html>", {"Content-Type": "text/html"})
    routes["/media/bomb.png"] = Reply(200, png_bomb(), PNG)
    routes["/media/lies.jpg"] = Reply(200, b"GIF89a not a jpeg at all", JPEG)
    names = ["missing.jpg", "page.jpg", "bomb.png", "lies.jpg", "good.webp"]
    attachments = [image(f"{bob.server.url}/media/{name}", name) for name in names]
    note = bob.note("<p>Five, one good</p>", attachment=attachments)
    with caplog.at_level(logging.WARNING):
        assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        post = post_of(note)
        # At most four are read: the good fifth is never fetched.
        assert post.image_count == 0 and post.images == []
        assert db.session.scalar(select(PostImage)) is None
    messages = [record.getMessage() for record in caplog.records]
    warnings = [message for message in messages if "goes without the image" in message]
    assert len(warnings) == 4
    assert "answered 401" in warnings[0] and "text/html" in warnings[1]
    assert "too many pixels" in warnings[2] and "not an image" in warnings[3]
    assert not Path(app.config["MEDIA_FOLDER"]).exists() or not any(
        Path(app.config["MEDIA_FOLDER"]).rglob("*.*")
    )


def test_the_good_images_are_kept_beside_a_bad_one(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/a.png"] = Reply(200, png(color=(255, 0, 0, 255)), PNG)
    bob.server.routes["/c.png"] = Reply(200, png(color=(0, 0, 255, 255)), PNG)
    unreachable = "http://127.0.0.1:9/b.png"  # the discard port: nothing listens
    urls = [f"{bob.server.url}/a.png", unreachable, f"{bob.server.url}/c.png"]
    note = bob.note("<p>three</p>", attachment=[image(url, url[-5:], "image/png") for url in urls])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        assert [(i.alt, i.position) for i in post_of(note).images] == [("a.png", 0), ("c.png", 1)]


def test_an_image_larger_than_the_limit_is_not_read(make_app, client, bob):
    app = make_app(**SETTINGS, MEDIA_MAX_BYTES=1000)
    client = app.test_client()
    susan_follows_bob(app, client, bob)
    bob.server.routes["/big.jpg"] = Reply(200, jpeg((400, 400)), JPEG)
    note = bob.note("<p>big</p>", attachment=[image(f"{bob.server.url}/big.jpg", "big")])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        assert post_of(note).image_count == 0


def test_a_post_of_images_alone_is_kept(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/only.jpg"] = Reply(200, jpeg(), JPEG)
    note = bob.note("", attachment=[image(f"{bob.server.url}/only.jpg", "a photo")])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        post = post_of(note)
        assert (post.body, post.image_count) == ("", 1)
    AuthActions(client).login("susan")
    assert client.get(f"/post/{post.id}").status_code == 200


def test_the_images_are_fetched_after_the_post_is_committed(make_app, tmp_path, bob):
    """Not inside the inbox's request: when bob's server is asked for the image, the post is
    already in the database for any other connection to read."""
    url = f"sqlite:///{tmp_path / 'site.db'}"
    app = make_app(**SETTINGS, SQLALCHEMY_DATABASE_URI=url)
    client = app.test_client()
    susan_follows_bob(app, client, bob)
    seen: list[int] = []
    other = create_engine(url)

    def answer(received):
        with other.connect() as connection:
            seen.append(connection.scalar(text("SELECT count(*) FROM post")))
        return Reply(200, jpeg(), JPEG)

    bob.server.answer = answer
    note = bob.note("<p>later</p>", attachment=[image(f"{bob.server.url}/late.jpg", "late")])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    other.dispose()
    assert seen == [1]
    with app.app_context():
        assert post_of(note).image_count == 1


def test_a_post_deleted_before_its_images_arrive_gets_none(app, client, bob):
    susan_follows_bob(app, client, bob)
    note = bob.note("<p>gone soon</p>")

    def answer(received):
        # The post is deleted (by bob's Delete, or a moderator) while its image is on its way.
        with app.app_context():
            post_of(note).delete()
            db.session.commit()
        return Reply(200, jpeg(), JPEG)

    bob.server.answer = answer
    note["attachment"] = [image(f"{bob.server.url}/x.jpg", "x")]
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        assert post_of(note) is None
        assert db.session.scalar(select(PostImage)) is None
    assert not any(Path(app.config["MEDIA_FOLDER"]).rglob("*.jpg"))


def test_storage_that_fails_leaves_the_post_without_images(make_app, tmp_path, bob, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    app = make_app(**SETTINGS, MEDIA_FOLDER=str(blocked))
    client = app.test_client()
    susan_follows_bob(app, client, bob)
    bob.server.routes["/x.jpg"] = Reply(200, jpeg(), JPEG)
    note = bob.note("<p>no room</p>", attachment=[image(f"{bob.server.url}/x.jpg", "x")])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert "Post 1 goes without its images" in caplog.text
    with app.app_context():
        post = post_of(note)
        assert post.body == "no room" and post.image_count == 0
        assert db.session.scalar(select(PostImage)) is None


def test_a_create_refused_fetches_nothing(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/x.jpg"] = Reply(200, jpeg(), JPEG)
    attachment = [image(f"{bob.server.url}/x.jpg", "x")]
    for note in (
        bob.note("<p>secret</p>", attachment=attachment, to=[], cc=[]),  # not public: ignored
        bob.note("<p>hi</p>", attachment=attachment, attributedTo="https://elsewhere.example/u"),
    ):
        assert bob.post(client, bob.activity("Create", note)).status_code in (202, 400)
    assert not [r for r in bob.server.received if r.path == "/x.jpg"]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_our_own_attachments_are_read_back_as_they_were_sent(app, client, bob, fmt):
    """A post of ours with an image, its Note's attachment given to our own reader: the
    same type, size and alt text come back (what Mastodon reads of it)."""
    from tests.activitypub.conftest import AP

    susan_follows_bob(app, client, bob)
    AuthActions(client).login("susan")
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, "GIF" if fmt == "PNG" else "JPEG")
    fields = {"post": "mine", "image_1": (io.BytesIO(buffer.getvalue()), "picture"),
              "alt_1": "A teal square"}  # fmt: skip
    client.post("/index", data=fields, content_type="multipart/form-data")
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.body == "mine"))
    (attachment,) = client.get(f"/post/{post_id}", headers=AP).json["attachment"]
    assert attachment["mediaType"] == f"image/{fmt.lower()}"  # a GIF is stored as a PNG
    path = attachment["url"].removeprefix("http://blog.test")
    with client.get(path) as served:
        assert served.headers["Content-Type"] == attachment["mediaType"]
        bob.server.routes[path] = Reply(200, served.data, {"Content-Type": served.mimetype})
    attachment["url"] = bob.server.url + path
    note = bob.note("<p>as sent</p>", attachment=[attachment])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        (copy,) = post_of(note).images
        assert (copy.alt, copy.content_type) == ("A teal square", attachment["mediaType"])
        assert (copy.width, copy.height) == (attachment["width"], attachment["height"]) == (64, 48)
