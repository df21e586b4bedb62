"""Create and Update of a Note arriving out of order (a Create tried again after its Update
came, an older Update after a newer one): an Update of a Note never had makes it, as its
Create would have; a version older than the one kept changes nothing; each is idempotent."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Alert, Post, PostEdit
from tests.activitypub.federated.test_direct import SUSAN, direct_note, messages
from tests.activitypub.federated.test_remote_images import JPEG, image, susan_follows_bob
from tests.conftest import add_user
from tests.federation.servers import Reply
from tests.media.samples import jpeg

T1, T2, T3 = "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z"


def version(note: dict, text: str, updated: str | None) -> dict:
    changed = {**note, "content": f"<p>{text}</p>"}
    return changed | {"updated": updated} if updated else changed


def kept(app, note: dict) -> tuple[str, bool, int] | None:
    """The post's body, whether it is marked edited, and how many earlier texts it keeps."""
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.uri == note["id"]))
        if post is None:
            return None
        edits = db.session.scalar(select(func.count()).where(PostEdit.post_id == post.id))
        return post.body, post.edited_at is not None, edits


def test_an_update_before_its_create_makes_the_post(app, client, bob):
    susan_follows_bob(app, client, bob)
    note = bob.note("<p>first</p>", published=T1)
    assert bob.post(client, bob.activity("Update", version(note, "second", T2))).status_code == 202
    assert kept(app, note) == ("second", True, 0)
    # The Create, tried again after the Update, is older: nothing changes.
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert kept(app, note) == ("second", True, 0)
    # The same Update again (a new activity id): still one post, unchanged.
    assert bob.post(client, bob.activity("Update", version(note, "second", T2))).status_code == 202
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 1
    assert kept(app, note) == ("second", True, 0)


def test_an_update_before_its_create_tells_whom_it_mentions(app, client, bob):
    add_user(app, "susan")
    mention = {"type": "Mention", "href": SUSAN, "name": "@susan@blog.test"}
    note = bob.note("<p>hi @susan</p>", published=T1, tag=[mention])
    assert (
        bob.post(client, bob.activity("Update", version(note, "hi @susan!", T2))).status_code == 202
    )
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert kept(app, note) == ("hi @susan!", True, 0)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 1


def test_an_update_of_a_note_nobody_here_would_see_keeps_nothing(app, client, bob):
    add_user(app, "susan")
    note = bob.note("<p>unasked</p>", published=T1)
    assert bob.post(client, bob.activity("Update", version(note, "still", T2))).status_code == 202
    assert kept(app, note) is None


def test_an_older_update_after_a_newer_one_changes_nothing(app, client, bob):
    susan_follows_bob(app, client, bob)
    note = bob.note("<p>first</p>", published=T1)
    bob.post(client, bob.activity("Create", note))
    bob.post(client, bob.activity("Update", version(note, "third", T3)))
    assert bob.post(client, bob.activity("Update", version(note, "second", T2))).status_code == 202
    assert kept(app, note) == ("third", True, 1)


def test_an_update_in_the_second_of_its_create_is_taken(app, client, bob):
    susan_follows_bob(app, client, bob)
    note = bob.note("<p>first</p>", published=T1)
    bob.post(client, bob.activity("Create", note))
    bob.post(client, bob.activity("Update", version(note, "second", T1)))
    assert kept(app, note) == ("second", True, 1)


def test_an_update_that_gives_no_time_is_taken(app, client, bob):
    susan_follows_bob(app, client, bob)
    note = bob.note("<p>first</p>", published=T1)
    bob.post(client, bob.activity("Create", note))
    bob.post(client, bob.activity("Update", version(note, "second", None)))
    assert kept(app, note) == ("second", True, 1)
    bob.post(client, bob.activity("Create", note))  # tried again: older than what is kept
    assert kept(app, note) == ("second", True, 1)


def test_a_create_sent_again_with_a_newer_version_is_an_edit(app, client, bob):
    susan_follows_bob(app, client, bob)
    note = bob.note("<p>first</p>", published=T1)
    bob.post(client, bob.activity("Create", note))
    bob.post(client, bob.activity("Create", version(note, "second", T2)))
    assert kept(app, note) == ("second", True, 1)


def test_an_update_of_a_direct_note_before_its_create_is_the_message(app, client, bob):
    add_user(app, "susan")
    note = direct_note(bob, "at 5", to=[SUSAN]) | {"published": T1}
    later = version(note, "@susan at 6", T2)
    assert bob.post(client, bob.activity("Update", later)).status_code == 202
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert [body for _, _, body in messages(app)] == ["@susan at 6"]


def test_an_update_before_its_create_brings_the_images(app, client, bob):
    susan_follows_bob(app, client, bob)
    bob.server.routes["/media/cat.jpg"] = Reply(200, jpeg(), JPEG)
    note = bob.note("<p>a cat</p>", published=T1)
    cat = image(f"{bob.server.url}/media/cat.jpg", "A cat")
    later = version(note, "a cat, and its picture", T2) | {"attachment": [cat]}
    assert bob.post(client, bob.activity("Update", later)).status_code == 202
    bob.post(client, bob.activity("Create", note))  # older, and with no image: stale
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.uri == note["id"]))
        assert [picture.alt for picture in post.images] == ["A cat"]
