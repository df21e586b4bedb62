"""What each activity from bob's server does here, delivered signed to the shared inbox."""

from sqlalchemy import select

from app.extensions import db
from app.models import Alert, FollowRequest, Post, RemoteActor, User
from tests.activitypub.federated.remote import PUBLIC, SITE, trust
from tests.conftest import AuthActions


def user(name: str) -> User:
    return db.session.scalar(User.by_username(name))


def remote_bob(bob) -> User:
    return RemoteActor.by_uri(bob.actor).user


def follows(app, follower: str, followed: str) -> bool:
    with app.app_context():
        return user(follower).is_following(user(followed))


def delivered(bob) -> list[dict]:
    return [activity for _, _, activity in bob.inbox.delivered]


def bob_follows_susan(app, client, bob) -> dict:
    follow = bob.activity("Follow", f"{SITE}/users/susan")
    assert bob.post(client, follow).status_code == 202
    return follow


def test_a_follow_is_accepted_at_once(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    follow = bob_follows_susan(app, client, bob)
    with app.app_context():
        assert remote_bob(bob).is_following(user("susan"))
    (accept,) = delivered(bob)
    assert accept["type"] == "Accept" and accept["actor"] == f"{SITE}/users/susan"
    assert accept["object"] == follow
    assert bob.inbox.delivered[0][0] == "/users/bob/inbox"


def test_a_follow_waits_for_approval_then_the_accept_is_sent(app, client, make_user, bob):
    make_user("susan", approve_followers=True)
    trust(app, bob, "susan")
    follow = bob_follows_susan(app, client, bob)
    assert delivered(bob) == []
    with app.app_context():
        request = db.session.scalar(select(FollowRequest))
        assert request.activity_uri == follow["id"]
        request_id = request.id
    AuthActions(client).login("susan")
    client.post(f"/follow-requests/{request_id}/accept")
    with app.app_context():
        assert remote_bob(bob).is_following(user("susan"))
    (accept,) = delivered(bob)
    assert accept["type"] == "Accept" and accept["object"]["id"] == follow["id"]


def test_a_rejected_request_sends_a_reject(app, client, make_user, bob):
    make_user("susan", approve_followers=True)
    trust(app, bob, "susan")
    bob_follows_susan(app, client, bob)
    with app.app_context():
        request_id = db.session.scalar(select(FollowRequest.id))
    AuthActions(client).login("susan")
    client.post(f"/follow-requests/{request_id}/reject")
    assert [activity["type"] for activity in delivered(bob)] == ["Reject"]


def test_undo_follow(app, client, make_user, bob):
    make_user("susan")
    follow = bob_follows_susan(app, client, bob)
    follow.pop("@context")
    assert bob.post(client, bob.activity("Undo", follow)).status_code == 202
    with app.app_context():
        assert not remote_bob(bob).is_following(user("susan"))


def test_an_undo_of_someone_elses_activity_is_refused(app, client, make_user, bob):
    make_user("susan")
    follow = bob_follows_susan(app, client, bob)
    follow["actor"] = "https://elsewhere.example/users/carol"
    assert bob.post(client, bob.activity("Undo", follow)).status_code == 400
    with app.app_context():
        assert remote_bob(bob).is_following(user("susan"))


def susan_asks_to_follow_bob(app, client, bob) -> str:
    """susan's request to follow bob, as the follow button leaves it; the Follow's id."""
    bob.post(client, bob.activity("Flag", "x"))  # bob is remembered
    follow_id = f"{SITE}/users/susan#follow/1"
    with app.app_context():
        assert user("susan").ask_to_follow(remote_bob(bob), follow_id) is False
        db.session.commit()
    return follow_id


def test_accept_of_our_follow(app, client, make_user, bob):
    make_user("susan")
    follow_id = susan_asks_to_follow_bob(app, client, bob)
    assert bob.post(client, bob.activity("Accept", follow_id)).status_code == 202
    with app.app_context():
        assert user("susan").is_following(remote_bob(bob))
        assert db.session.scalar(select(FollowRequest)) is None


def test_reject_of_our_follow(app, client, make_user, bob):
    make_user("susan")
    follow_id = susan_asks_to_follow_bob(app, client, bob)
    follow = {"id": follow_id, "type": "Follow", "actor": f"{SITE}/users/susan",
              "object": bob.actor}  # fmt: skip
    assert bob.post(client, bob.activity("Reject", follow)).status_code == 202
    with app.app_context():
        assert not user("susan").is_following(remote_bob(bob))
        assert db.session.scalar(select(FollowRequest)) is None


def test_an_accept_from_someone_else_follows_nobody(app, client, make_user, bob, mallory_key):
    from tests.activitypub.federated.remote import remote_server

    make_user("susan")
    follow_id = susan_asks_to_follow_bob(app, client, bob)
    with remote_server(mallory_key, {}) as carol_server:
        carol_server.name = "carol"
        carol_server.serve_actor()
        assert (
            carol_server.post(client, carol_server.activity("Accept", follow_id)).status_code == 202
        )
    with app.app_context():
        assert db.session.scalar(select(FollowRequest)) is not None


def test_a_post_of_someone_followed_is_kept_sanitised(app, client, make_user, bob):
    make_user("susan")
    bob.post(client, bob.activity("Flag", "x"))  # bob is remembered
    with app.app_context():
        user("susan").ask_to_follow(remote_bob(bob))
        FollowRequest.between(user("susan"), remote_bob(bob)).accept()
        db.session.commit()
    content = '<p>Hello <script>alert(1)</script><a href="javascript:x">there</a> &amp; #tag</p>'
    note = bob.note(content, tag=[{"type": "Hashtag", "name": "#Tag"}])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.uri == note["id"]))
        assert post.author.username.startswith("bob@")
        assert post.body == "Hello there & #tag"
        assert "<script>" not in post.body_html and "javascript" not in post.body_html
        assert [tag.name for tag in post.tags] == ["tag"]
    AuthActions(client).login("susan")
    assert "Hello" in client.get("/index").text


def test_a_post_nobody_here_asked_for_is_ignored(app, client, make_user, bob):
    make_user("susan")
    assert bob.post(client, bob.activity("Create", bob.note("spam"))).status_code == 202
    with app.app_context():
        assert db.session.scalar(select(Post)) is None


def test_a_reply_to_our_post_is_kept_and_its_author_told(app, client, make_user, bob):
    note = bob_replies(app, client, make_user, bob)
    with app.app_context():
        reply = db.session.scalar(select(Post).where(Post.uri == note["id"]))
        assert reply.in_reply_to.body == "question?"
        alert = db.session.scalar(select(Alert))
        assert (alert.user_id, alert.post_id) == (user("susan").id, reply.id)


def test_a_mention_tells_the_user(app, client, make_user, bob):
    make_user("susan")
    mention = {"type": "Mention", "href": f"{SITE}/users/susan", "name": "@susan@blog.test"}
    note = bob.note("<p>hi @susan</p>", tag=[mention])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        assert db.session.scalar(select(Alert.user_id)) == user("susan").id


def test_a_post_not_public_is_ignored(app, client, make_user, bob):
    make_user("susan")
    mention = {"type": "Mention", "href": f"{SITE}/users/susan"}
    note = bob.note("<p>secret</p>", tag=[mention], to=[f"{SITE}/users/susan"], cc=[])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        assert db.session.scalar(select(Post)) is None


def test_a_note_of_someone_else_is_refused(app, client, make_user, bob):
    make_user("susan")
    note = bob.note("<p>hi</p>", attributedTo="https://elsewhere.example/users/carol")
    assert bob.post(client, bob.activity("Create", note)).status_code == 400


def bob_replies(app, client, make_user, bob) -> dict:
    make_user("susan")
    with app.app_context():
        post = Post.write(user("susan"), "question?")
        db.session.commit()
        post_id = post.id
    note = bob.note("<p>answer</p>", inReplyTo=f"{SITE}/post/{post_id}")
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    return note


def test_update_and_delete_of_a_post(app, client, make_user, bob):
    note = bob_replies(app, client, make_user, bob)
    changed = note | {"content": "<p>better answer</p>"}
    assert bob.post(client, bob.activity("Update", changed)).status_code == 202
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.uri == note["id"]))
        assert post.body == "better answer" and post.edited_at is not None
        assert [edit.body for edit in post.earlier_texts()] == ["answer"]
    tombstone = {"id": note["id"], "type": "Tombstone"}
    assert bob.post(client, bob.activity("Delete", tombstone, to=[PUBLIC])).status_code == 202
    with app.app_context():
        assert db.session.scalar(select(Post).where(Post.uri == note["id"])) is None


def test_the_deletion_of_bobs_account(app, client, make_user, bob):
    bob_replies(app, client, make_user, bob)
    assert bob.post(client, bob.activity("Delete", bob.actor)).status_code == 202
    with app.app_context():
        assert RemoteActor.by_uri(bob.actor) is None
        assert db.session.scalars(select(Post.body)).all() == ["question?"]


def test_likes_and_boosts_of_our_post(app, client, make_user, bob):
    make_user("susan")
    with app.app_context():
        post_id = Post.write(user("susan"), "like me").id
        db.session.commit()
    uri = f"{SITE}/post/{post_id}"
    like, boost = bob.activity("Like", uri), bob.activity("Announce", uri, to=[PUBLIC])
    for activity in (like, boost):
        assert bob.post(client, activity).status_code == 202
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert (post.like_count, post.boost_count) == (1, 1)
    for activity in (like, boost):
        activity.pop("@context")
        assert bob.post(client, bob.activity("Undo", activity)).status_code == 202
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert (post.like_count, post.boost_count) == (0, 0)


def test_a_block_ends_the_follows_both_ways(app, client, make_user, bob):
    make_user("susan")
    bob_follows_susan(app, client, bob)
    assert bob.post(client, bob.activity("Block", f"{SITE}/users/susan")).status_code == 202
    with app.app_context():
        assert not remote_bob(bob).is_following(user("susan"))


def test_what_does_not_fit_is_refused_or_left_out(app, client, make_user, bob):
    make_user("susan")
    mention = {"type": "Mention", "href": f"{SITE}/users/susan"}
    long_id = bob.note("<p>hi</p>", tag=[mention])
    long_id["id"] += "x" * 600
    assert bob.post(client, bob.activity("Create", long_id)).status_code == 400
    huge = bob.note("<p>" + "a" * 20_000 + "</p>", tag=[mention])
    assert bob.post(client, bob.activity("Create", huge)).status_code == 202
    tags = [mention, {"type": "Hashtag", "name": "#" + "t" * 65}, {"type": "Hashtag", "name": "#"}]
    note = bob.note("<p>hi</p>", tag=tags)
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    with app.app_context():
        (post,) = db.session.scalars(select(Post))
        assert post.uri == note["id"] and post.tags == []
    for uri in (f"{SITE}/post/99999999999", f"{SITE}/post/1/x", "https://elsewhere.example/1"):
        assert bob.post(client, bob.activity("Like", uri)).status_code == 202
