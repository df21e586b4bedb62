"""A Note its author deleted, or whose author's account was deleted, is never made again: not
by its Create tried again, an Update, a Delete that came before either, a boost that would
fetch it, nor a direct Note's Create (tombstones, app/models/tombstone.py)."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Message, Post, RemoteActor, Tombstone
from tests.activitypub.federated.remote import PUBLIC, Remote
from tests.activitypub.federated.test_direct import SUSAN, direct_note, messages
from tests.activitypub.federated.test_remote_boosts import announce, serve
from tests.activitypub.federated.test_remote_images import susan_follows_bob
from tests.conftest import add_user


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def posts(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Post.uri).order_by(Post.id)))


def delete(remote: Remote, uri: str) -> dict:
    return remote.activity("Delete", {"id": uri, "type": "Tombstone"}, to=[PUBLIC])


def mentioning_susan(remote: Remote, text: str) -> dict:
    mention = {"type": "Mention", "href": SUSAN, "name": "@susan@blog.test"}
    return remote.note(f"<p>@susan {text}</p>", tag=[mention])


def test_a_create_or_update_after_the_delete_makes_nothing(app, client, bob):
    susan_follows_bob(app, client, bob)
    note = bob.note("<p>regretted</p>")
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert posts(app) == [note["id"]]
    assert bob.post(client, delete(bob, note["id"])).status_code == 202
    assert posts(app) == []
    # Delivered again (new activity ids, as a retrying server's relay might send them).
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    later = note | {"content": "<p>regretted, edited</p>", "updated": "2026-12-07T10:00:00Z"}
    assert bob.post(client, bob.activity("Update", later)).status_code == 202
    assert posts(app) == []


def test_a_delete_before_its_create_is_kept_for_it(app, client, bob):
    susan_follows_bob(app, client, bob)
    note = bob.note("<p>out of order</p>")
    assert bob.post(client, delete(bob, note["id"])).status_code == 202
    assert bob.post(client, bob.activity("Update", note)).status_code == 202
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert posts(app) == []


def test_deleting_twice_is_one_tombstone(app, client, bob):
    susan_follows_bob(app, client, bob)
    note = bob.note("<p>twice</p>")
    bob.post(client, bob.activity("Create", note))
    for _ in range(2):
        assert bob.post(client, delete(bob, note["id"])).status_code == 202
    assert count(app, Tombstone) == 1


def test_a_delete_of_someone_elses_note_leaves_no_tombstone(app, client, bob, carol):
    add_user(app, "susan")
    note = mentioning_susan(carol, "mine")
    assert bob.post(client, delete(bob, note["id"])).status_code == 202
    assert count(app, Tombstone) == 0
    assert carol.post(client, carol.activity("Create", note)).status_code == 202
    assert posts(app) == [note["id"]]


def test_a_boost_of_a_deleted_note_does_not_fetch_it(app, client, bob, carol):
    susan_follows_bob(app, client, bob)
    note = mentioning_susan(carol, "gone soon")
    assert carol.post(client, carol.activity("Create", note)).status_code == 202
    assert carol.post(client, delete(carol, note["id"])).status_code == 202
    # Her server still serves it (a cache, a deletion not yet done there).
    serve(carol, note)
    never_had = serve(carol, carol.note("<p>deleted before we saw it</p>"))
    assert carol.post(client, delete(carol, never_had)).status_code == 202
    for uri in (note["id"], never_had):
        assert bob.post(client, announce(bob, uri)).status_code == 202
    assert posts(app) == []
    assert not [r for r in carol.server.received if "/statuses/" in r.path]


def test_a_direct_note_sent_again_after_its_delete_is_no_message(app, client, bob):
    add_user(app, "susan")
    note = direct_note(bob, "psst", to=[SUSAN])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert len(messages(app)) == 1
    assert bob.post(client, delete(bob, note["id"])).status_code == 202
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert count(app, Message) == 0


def test_the_notes_of_a_deleted_account_do_not_come_back(app, client, bob, carol):
    susan_follows_bob(app, client, carol)  # susan follows carol, who will boost bob
    reply = mentioning_susan(bob, "before I go")
    assert bob.post(client, bob.activity("Create", reply)).status_code == 202
    assert posts(app) == [reply["id"]]
    assert bob.post(client, bob.activity("Delete", bob.actor, to=[PUBLIC])).status_code == 202
    assert posts(app) == []
    # Again, idempotent: his account is gone, and so is the key that would sign it.
    assert bob.post(client, bob.activity("Delete", bob.actor, to=[PUBLIC])).status_code == 202
    # His server still answers for him (late, or cached): carol boosts his Note...
    serve(bob, reply)
    assert carol.post(client, announce(carol, reply["id"])).status_code == 202
    with app.app_context():
        assert RemoteActor.by_uri(bob.actor) is None  # not fetched again for his Note
    # ...and his Create is delivered again (his actor is fetched to check the signature).
    assert bob.post(client, bob.activity("Create", reply)).status_code == 202
    assert bob.post(client, bob.activity("Create", mentioning_susan(bob, "new"))).status_code == 202
    assert posts(app) == []
