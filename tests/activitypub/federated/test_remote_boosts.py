"""Boosts by bob, whom susan follows, put the post in her timeline "boosted by" him, as a
local boost does: a post of carol's on a third server (fetched from there, checked as a
Create's Note is), one already known, or one of ours; his Undo takes it out again."""

import json
import logging
from collections.abc import Iterator

from sqlalchemy import func, select

from app.extensions import db
from app.models import Post, RemoteActor, User
from app.models.reactions import Boost
from app.post_pages import PostPages
from app.speedups.pages import FastPostPages
from tests.activitypub.federated.remote import ACTIVITY_JSON, PUBLIC, SITE, Remote
from tests.activitypub.federated.test_remote_images import JPEG, image, susan_follows_bob
from tests.conftest import AuthActions, add_user
from tests.federation.servers import Reply
from tests.media.samples import jpeg


def serve(remote: Remote, note: dict) -> str:
    """Serve `note` at its id on `remote`'s server; its id."""
    path = note["id"].removeprefix(remote.server.url)
    remote.server.routes[path] = Reply(200, json.dumps(note).encode(), ACTIVITY_JSON)
    return note["id"]


def announce(bob: Remote, uri: str) -> dict:
    return bob.activity("Announce", uri, to=[PUBLIC], cc=[f"{bob.actor}/followers"])


def undo(bob: Remote, activity: dict) -> dict:
    inner = {key: value for key, value in activity.items() if key != "@context"}
    return bob.activity("Undo", inner)


def timeline(app, name: str = "susan") -> list[tuple[str, str | None]]:
    """susan's timeline as (body, boosted by), the plain one and the fast one the same."""
    with app.app_context():
        reader = db.session.scalar(User.by_username(name))
        pages = [pages.timeline_page(reader, 1, 50) for pages in (PostPages(), FastPostPages())]
        plain, fast = ([(p.body, p.boosted_by) for p in page.items] for page in pages)
        assert fast == plain
        return plain


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_boost_of_a_post_from_a_third_server_is_fetched_and_shown(app, client, bob, carol):
    susan_follows_bob(app, client, bob)
    uri = serve(carol, carol.note("<p>carol's news</p>"))
    boost = announce(bob, uri)
    assert bob.post(client, boost).status_code == 202
    handle = db_handle(app, bob)
    assert timeline(app) == [("carol's news", handle)]
    (fetch,) = [r for r in carol.server.received if r.path == uri.removeprefix(carol.server.url)]
    assert f'keyId="{SITE}/actor#main-key"' in fetch.headers["Signature"]  # the site's actor
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.uri == uri))
        assert post.author == RemoteActor.by_uri(carol.actor).user
        assert post.boost_count == 1
    AuthActions(client).login("susan")
    page = client.get("/index").text
    assert (
        "carol's news" in page and f'Boosted by <a class="user-popup" href="/user/{handle}"' in page
    )
    assert bob.post(client, undo(bob, boost)).status_code == 202
    assert timeline(app) == []
    with app.app_context():
        assert db.session.scalar(select(Post.boost_count).where(Post.uri == uri)) == 0


def db_handle(app, remote: Remote) -> str:
    with app.app_context():
        return RemoteActor.by_uri(remote.actor).user.username


def test_a_boost_of_one_of_our_posts_reaches_bobs_followers(app, client, bob):
    susan_follows_bob(app, client, bob)
    alice = add_user(app, "alice")
    with app.app_context():
        post_id = Post.write(db.session.get(User, alice.id), "alice writes").id
        db.session.commit()
    boost = announce(bob, f"{SITE}/post/{post_id}")
    assert bob.post(client, boost).status_code == 202
    assert timeline(app) == [("alice writes", db_handle(app, bob))]
    assert timeline(app, "alice") == [("alice writes", None)]  # alice does not follow bob
    assert bob.post(client, undo(bob, boost)).status_code == 202
    assert timeline(app) == []


def test_a_known_post_is_not_fetched_again_and_comes_once(app, client, bob, carol):
    susan_follows_bob(app, client, bob)
    note = carol.note(
        "<p>hello @susan</p>", tag=[{"type": "Mention", "href": f"{SITE}/users/susan"}]
    )
    assert carol.post(client, carol.activity("Create", note)).status_code == 202  # kept: a mention
    assert bob.post(client, announce(bob, note["id"])).status_code == 202
    assert [r.path for r in carol.server.received if "/statuses/" in r.path] == []
    # bob boosting it twice (a repeated Announce with a new id) is still one boost.
    assert bob.post(client, announce(bob, note["id"])).status_code == 202
    assert timeline(app) == [("hello @susan", db_handle(app, bob))]
    with app.app_context():
        assert count(Post) == 1 and count(Boost) == 1


def test_a_boosted_post_brings_its_images(app, client, bob, carol):
    susan_follows_bob(app, client, bob)
    carol.server.routes["/media/cat.jpg"] = Reply(200, jpeg(), JPEG)
    note = carol.note(
        "<p>a cat</p>", attachment=[image(f"{carol.server.url}/media/cat.jpg", "A cat")]
    )
    assert bob.post(client, announce(bob, serve(carol, note))).status_code == 202
    with app.app_context():
        (picture,) = db.session.scalar(select(Post).where(Post.uri == note["id"])).images
        assert picture.alt == "A cat"


def test_a_boost_by_someone_nobody_here_follows_fetches_nothing(app, client, bob, carol):
    add_user(app, "susan")
    uri = serve(carol, carol.note("<p>unasked</p>"))
    assert bob.post(client, announce(bob, uri)).status_code == 202
    assert not [r for r in carol.server.received if "/statuses/" in r.path]
    with app.app_context():
        assert count(Post) == 0 and count(Boost) == 0


def bad_notes(carol: Remote, bob: Remote) -> Iterator[tuple[str, str]]:
    """(what is wrong, the id bob boosts) for Notes that must not be kept."""
    yield "missing", f"{carol.actor}/statuses/404"
    note = carol.note("<p>private</p>", to=[f"{carol.actor}/followers"], cc=[])
    yield "not public", serve(carol, note)
    yield "not a Note", serve(carol, {**carol.note("<p>x</p>"), "type": "Person"})
    note = carol.note("<p>x</p>", attributedTo=bob.actor)
    yield "attributed to another server", serve(carol, note)
    note = carol.note("<p>x</p>")
    path = f"/elsewhere/{len(note['id'])}"
    carol.server.routes[path] = Reply(200, json.dumps(note).encode(), ACTIVITY_JSON)
    yield "served at another id than its own, on another server", bob.server.url + path
    yield (
        "claims to be ours",
        serve(carol, {**carol.note("<p>x</p>"), "attributedTo": f"{SITE}/users/susan"}),
    )
    note = carol.note("<p>x</p>")
    carol.server.routes[note["id"].removeprefix(carol.server.url)] = Reply(
        200, b"<html>", {"Content-Type": "text/html"}
    )
    yield "not JSON", note["id"]
    yield "nothing in it", serve(carol, carol.note(""))


def test_a_boosted_note_that_cannot_be_used_is_left_out(app, client, bob, carol):
    susan_follows_bob(app, client, bob)
    for reason, uri in bad_notes(carol, bob):
        if uri.startswith(bob.server.url):  # bob's server hands out carol's Note
            path = uri.removeprefix(bob.server.url)
            bob.server.routes[path] = carol.server.routes[path]
        assert bob.post(client, announce(bob, uri)).status_code == 202, reason
        with app.app_context():
            assert count(Post) == 0 and count(Boost) == 0, reason
    assert timeline(app) == []


def test_a_boost_of_an_address_of_ours_that_is_no_post_fetches_nothing(app, client, bob, caplog):
    susan_follows_bob(app, client, bob)
    caplog.set_level(logging.INFO)
    for uri in (f"{SITE}/post/999", f"{SITE}/users/susan", SITE.upper() + "/about"):
        assert bob.post(client, announce(bob, uri)).status_code == 202
        assert f"Not keeping the Note {uri}: it is on this site" in caplog.text
    with app.app_context():
        assert count(Post) == 0


def test_a_note_whose_server_is_down_is_tried_when_the_boost_comes_again(
    app, client, bob, carol, caplog
):
    susan_follows_bob(app, client, bob)
    note = carol.note("<p>back soon</p>")
    path = note["id"].removeprefix(carol.server.url)
    carol.server.routes[path] = Reply(503, b"down for maintenance")
    boost = announce(bob, note["id"])
    assert bob.post(client, boost).status_code == 202
    assert "Could not handle Announce" in caplog.text  # not recorded as handled
    assert timeline(app) == []
    serve(carol, note)
    assert bob.post(client, boost).status_code == 202  # bob's server delivers it again
    assert timeline(app) == [("back soon", db_handle(app, bob))]
