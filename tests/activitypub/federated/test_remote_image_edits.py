"""An Update of bob's Note brings his post's images in line with its attachments: fetched again
when they changed (all of them, after the commit), new alt texts set at once, removed with
their files; one a fetch missed for a reason that may pass is fetched by the next Update
(on the app's threads: tests/federation/test_remote_images_rq.py has RQ's retries)."""

from pathlib import Path

from app.activitypub.attachments import store_remote_images
from app.extensions import db
from app.models import PostImage
from tests.activitypub.federated.test_remote_images import (
    JPEG,
    PNG,
    image,
    post_of,
    susan_follows_bob,
)
from tests.conftest import AuthActions
from tests.federation.servers import Reply
from tests.media.samples import jpeg, png


def fetches(bob, name: str) -> int:
    return sum(received.path == f"/{name}" for received in bob.server.received)


def images_of(app, note: dict) -> list[tuple[str, str]]:
    """The post's images: (the file name fetched, alt text), in order."""
    with app.app_context():
        return [(i.source_url.rpartition("/")[2], i.alt) for i in post_of(note).images]


def files(app) -> set[str]:
    folder = Path(app.config["MEDIA_FOLDER"])
    return {path.name for path in folder.rglob("*.*")} if folder.exists() else set()


def create(client, bob, *names: str, text: str = "<p>look</p>") -> dict:
    attachments = [image(f"{bob.server.url}/{name}", f"about {name}") for name in names]
    note = bob.note(text, attachment=attachments)
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    return note


def update(client, bob, note: dict) -> None:
    assert bob.post(client, bob.activity("Update", note)).status_code == 202


def test_other_images_are_fetched_and_the_old_ones_go(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/a.jpg"] = Reply(200, jpeg(), JPEG)
    bob.server.routes["/b.png"] = Reply(200, png(), PNG)
    note = create(client, bob, "a.jpg")
    old_files = files(app)
    assert images_of(app, note) == [("a.jpg", "about a.jpg")] and len(old_files) == 2
    note["attachment"] = [image(f"{bob.server.url}/b.png", "a chart", "image/png"),
                          image(f"{bob.server.url}/a.jpg", "a photo")]  # fmt: skip
    update(client, bob, note)
    assert images_of(app, note) == [("b.png", "a chart"), ("a.jpg", "a photo")]
    assert (fetches(bob, "a.jpg"), fetches(bob, "b.png")) == (2, 1)
    with app.app_context():
        post = post_of(note)
        assert post.image_count == 2 and post.edited_at is not None
    assert len(files(app)) == 4 and not files(app) & old_files


def test_the_same_images_are_not_fetched_again_but_take_new_alt_text(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/a.jpg"] = Reply(200, jpeg(), JPEG)
    note = create(client, bob, "a.jpg")
    update(client, bob, note)  # nothing changed
    with app.app_context():
        assert post_of(note).edited_at is None
    note["attachment"][0]["name"] = "a red flag"
    update(client, bob, note)
    assert images_of(app, note) == [("a.jpg", "a red flag")] and fetches(bob, "a.jpg") == 1
    with app.app_context():
        assert post_of(note).edited_at is not None


def test_images_taken_out_of_the_note_go_with_their_files(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/a.jpg"] = Reply(200, jpeg(), JPEG)
    note = create(client, bob, "a.jpg")
    note["attachment"] = []
    update(client, bob, note)
    with app.app_context():
        post = post_of(note)
        assert (post.body, post.image_count, post.images) == ("look", 0, [])
        assert db.session.query(PostImage).count() == 0
    assert files(app) == set()


def test_an_image_missed_for_a_while_comes_with_the_next_update(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/a.jpg"] = Reply(503, b"busy")
    bob.server.routes["/b.jpg"] = Reply(200, jpeg(), JPEG)
    note = create(client, bob, "a.jpg", "b.jpg")
    # On the app's threads there is no later try: the post goes without it for now.
    assert images_of(app, note) == [("b.jpg", "about b.jpg")]
    bob.server.routes["/a.jpg"] = Reply(200, jpeg(), JPEG)
    update(client, bob, note)
    assert images_of(app, note) == [("a.jpg", "about a.jpg"), ("b.jpg", "about b.jpg")]


def test_a_job_of_an_older_edit_leaves_the_images_alone(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/a.jpg"] = Reply(200, jpeg(), JPEG)
    bob.server.routes["/b.jpg"] = Reply(200, jpeg(), JPEG)
    note = create(client, bob, "a.jpg")
    with app.app_context():
        post_id = post_of(note).id
    note["content"] = "<p>look again</p>"
    update(client, bob, note)
    # The Create's job again, late (as RQ tries it again): the edit since has the say.
    with app.app_context():
        store_remote_images(post_id, [(f"{bob.server.url}/b.jpg", "b")])
    assert images_of(app, note) == [("a.jpg", "about a.jpg")] and fetches(bob, "b.jpg") == 0


def test_a_page_shown_while_the_new_image_is_fetched_shows_it_after(app, client, bob):
    """A page rendered between the Update's commit and its images' (the kept articles of the
    speed-ups) does not keep showing the old image: storing them marks the post edited again."""
    susan_follows_bob(app, client, bob)
    bob.server.routes["/a.jpg"] = Reply(200, jpeg(), JPEG)
    note = create(client, bob, "a.jpg")
    reader = app.test_client()
    AuthActions(reader).login("susan")
    pages = []

    def answer(received):
        pages.append(reader.get("/index").text)  # the old image, the new edit time
        return Reply(200, png(), PNG)

    bob.server.answer = answer
    note["attachment"] = [image(f"{bob.server.url}/b.png", "a chart", "image/png")]
    update(client, bob, note)
    with app.app_context():
        (kept,) = post_of(note).images
    assert len(pages) == 1 and kept.thumbnail_key not in pages[0]
    page = reader.get("/index").text
    assert kept.thumbnail_key in page and 'alt="a chart"' in page
