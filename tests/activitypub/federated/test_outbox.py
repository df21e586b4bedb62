"""What our users' actions send to bob's server: Follow and Undo, Create and Delete of
their posts to their followers there, Like and Announce of his posts."""

from sqlalchemy import select

from app.extensions import db
from app.models import FollowRequest, Post, RemoteActor, User
from tests.activitypub.federated.remote import SITE, trust
from tests.conftest import AuthActions


def remember_bob(client, bob) -> str:
    """bob, known here (as after his first delivery); his name here."""
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202
    return f"bob@{bob.server.url.removeprefix('http://')}"


def delivered(bob) -> list[dict]:
    return [activity for _, _, activity in bob.inbox.delivered]


def test_following_and_unfollowing_bob(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    name = remember_bob(client, bob)
    AuthActions(client).login("susan")
    client.post(f"/follow/{name}")
    (follow,) = delivered(bob)
    assert follow["type"] == "Follow" and follow["object"] == bob.actor
    assert follow["actor"] == f"{SITE}/users/susan"
    with app.app_context():
        assert db.session.scalar(select(FollowRequest.activity_uri)) == follow["id"]
    # bob accepts: susan follows him.
    assert bob.post(client, bob.activity("Accept", follow["id"])).status_code == 202
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        assert susan.is_following(RemoteActor.by_uri(bob.actor).user)
    client.post(f"/unfollow/{name}")
    undo = delivered(bob)[1]
    assert undo["type"] == "Undo" and undo["object"]["type"] == "Follow"
    assert undo["object"]["object"] == bob.actor


def bob_follows_susan(app, client, make_user, bob) -> None:
    make_user("susan")
    trust(app, bob, "susan")
    follow = bob.activity("Follow", f"{SITE}/users/susan")
    assert bob.post(client, follow).status_code == 202
    bob.inbox.delivered.clear()  # the Accept


def test_a_new_post_goes_to_remote_followers_once(app, client, make_user, bob):
    bob_follows_susan(app, client, make_user, bob)
    AuthActions(client).login("susan")
    client.post("/index", data={"post": "hello fediverse"})
    (create,) = delivered(bob)
    assert create["type"] == "Create" and "hello fediverse" in create["object"]["content"]
    assert bob.inbox.delivered[0][0] == "/inbox"  # the shared inbox
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    client.post(f"/post/{post_id}/delete")
    delete = delivered(bob)[1]
    assert delete["type"] == "Delete" and delete["object"]["id"] == f"{SITE}/post/{post_id}"


def test_a_user_without_remote_followers_sends_nothing(app, client, make_user, bob):
    make_user("susan")
    AuthActions(client).login("susan")
    client.post("/index", data={"post": "hello"})
    assert bob.server.received == []


def test_liking_and_boosting_bobs_post(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    mention = {"type": "Mention", "href": f"{SITE}/users/susan"}
    note = bob.note("<p>hi @susan</p>", tag=[mention])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.uri == note["id"]))
    AuthActions(client).login("susan")
    for verb in ("like", "boost", "unlike", "unboost"):
        client.post(f"/post/{post_id}/{verb}")
    like, announce, undo_like, undo_announce = delivered(bob)
    assert (like["type"], like["object"]) == ("Like", note["id"])
    assert (announce["type"], announce["object"]) == ("Announce", note["id"])
    assert undo_like["type"] == "Undo" and undo_like["object"]["type"] == "Like"
    assert undo_announce["object"]["type"] == "Announce"


def susan_replies_to_bob(app, client, make_user, bob) -> tuple[dict, int]:
    """bob's Note mentioning susan, and the id of her reply to it (bob does not follow her)."""
    make_user("susan")
    trust(app, bob, "susan")
    mention = {"type": "Mention", "href": f"{SITE}/users/susan"}
    note = bob.note("<p>hi @susan</p>", tag=[mention])
    bob.post(client, bob.activity("Create", note))
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.uri == note["id"]))
    AuthActions(client).login("susan")
    response = client.post(f"/post/{post_id}", data={"post": "hi bob"})
    return note, int(response.headers["Location"].rpartition("/")[2])


def test_a_reply_to_bobs_post_names_his_note_and_reaches_him(app, client, make_user, bob):
    note, _ = susan_replies_to_bob(app, client, make_user, bob)
    (create,) = delivered(bob)
    assert create["object"]["inReplyTo"] == note["id"]
    assert bob.inbox.delivered[0][0] == "/users/bob/inbox"


def test_the_edit_and_deletion_of_a_reply_reach_the_author_answered(app, client, make_user, bob):
    note, reply_id = susan_replies_to_bob(app, client, make_user, bob)
    client.post(f"/post/{reply_id}/edit", data={"post": "hi bob, again"})
    client.post(f"/post/{reply_id}/delete")
    _, update, delete = delivered(bob)
    assert update["type"] == "Update" and "hi bob, again" in update["object"]["content"]
    assert update["object"]["inReplyTo"] == note["id"]
    assert delete["type"] == "Delete" and delete["object"]["id"] == f"{SITE}/post/{reply_id}"
    assert [path for path, _, _ in bob.inbox.delivered] == ["/users/bob/inbox"] * 3


def test_an_edit_and_a_boost_of_our_post_go_to_remote_followers(app, client, make_user, bob):
    bob_follows_susan(app, client, make_user, bob)
    AuthActions(client).login("susan")
    client.post("/index", data={"post": "first"})
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    client.post(f"/post/{post_id}/edit", data={"post": "second"})
    client.post(f"/post/{post_id}/boost")
    client.post(f"/post/{post_id}/like")  # a like of our own post tells nobody
    _, update, announce = delivered(bob)
    assert update["type"] == "Update" and "second" in update["object"]["content"]
    assert update["object"]["id"] == f"{SITE}/post/{post_id}"
    assert (announce["type"], announce["object"]) == ("Announce", f"{SITE}/post/{post_id}")
