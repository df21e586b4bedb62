"""Mentioning bob@his-server in a post: found with WebFinger when the post is written, then
the post, its edit and its deletion are delivered to him, follower or not."""

from sqlalchemy import select

from app.activitypub.mentions import MAX_LOOKUPS
from app.extensions import db
from app.models import Post, RemoteActor
from tests.activitypub.federated.remote import SITE, trust
from tests.activitypub.federated.test_lookup import serve_webfinger
from tests.conftest import AuthActions


def delivered(bob) -> list[dict]:
    return [activity for _, _, activity in bob.inbox.delivered]


def test_mentioning_bob_finds_him_and_sends_him_the_post(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    handle = serve_webfinger(bob)
    AuthActions(client).login("susan")
    client.post("/index", data={"post": f"hello @{handle}!"})
    with app.app_context():
        assert RemoteActor.by_uri(bob.actor).user.username == handle
        post = db.session.scalar(select(Post))
        assert f'<a class="mention" href="/user/{handle}"' in post.body_html
        post_id = post.id
    (create,) = delivered(bob)
    note = create["object"]
    assert {"type": "Mention", "href": bob.actor, "name": f"@{handle}"} in note["tag"]
    assert bob.actor in note["cc"] and bob.actor in create["cc"]
    assert f'href="{bob.server.url}/@bob"' in note["content"]
    assert bob.inbox.delivered[0][0] == "/inbox"  # his server's shared inbox
    client.post(f"/post/{post_id}/edit", data={"post": f"hello again @{handle}"})
    assert delivered(bob)[1]["type"] == "Update"
    client.post(f"/post/{post_id}/delete")
    delete = delivered(bob)[2]
    assert delete["type"] == "Delete" and delete["object"]["id"] == f"{SITE}/post/{post_id}"


def test_a_mention_nobody_answers_for_stays_text(app, client, make_user, bob):
    make_user("susan")
    handle = serve_webfinger(bob, links=[])
    AuthActions(client).login("susan")
    response = client.post("/index", data={"post": f"hello @{handle}"}, follow_redirects=True)
    assert "Your post is now live!" in response.text
    with app.app_context():
        post = db.session.scalar(select(Post))
        assert post.body == f"hello @{handle}" and "mention" not in post.body_html
        assert db.session.query(RemoteActor).count() == 0
    assert delivered(bob) == []


def test_only_a_few_unknown_accounts_are_looked_up_a_post(app, client, make_user, bob):
    make_user("susan")
    host = bob.server.url.removeprefix("http://")
    AuthActions(client).login("susan")
    names = " ".join(f"@user{n}@{host}" for n in range(MAX_LOOKUPS + 2))
    client.post("/index", data={"post": names})
    asked = [r for r in bob.server.received if r.path.startswith("/.well-known/webfinger")]
    assert len(asked) == MAX_LOOKUPS
    with app.app_context():
        assert db.session.scalar(select(Post.body)) == names


def test_a_reply_mentioning_bob_reaches_his_server_once(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    note = bob.note("<p>hi @susan</p>", tag=[{"type": "Mention", "href": f"{SITE}/users/susan"}])
    bob.post(client, bob.activity("Create", note))
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.uri == note["id"]))
    AuthActions(client).login("susan")
    # The reply form starts with "@bob@host ": a mention of him, not of a local bob.
    form = client.get(f"/post/{post_id}").text
    handle = f"bob@{bob.server.url.removeprefix('http://')}"
    assert f"@{handle} " in form
    client.post(f"/post/{post_id}", data={"post": f"@{handle} hi bob"})
    (create,) = delivered(bob)
    assert create["object"]["inReplyTo"] == note["id"]
    assert bob.actor in create["object"]["cc"]
    assert bob.inbox.delivered[0][0] == "/inbox"  # his server's shared inbox reaches him
