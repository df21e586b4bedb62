"""bob's server blocked or silenced by the admins, or blocked by susan alone: what it may still
send us, what we fetch from it and deliver to it."""

from sqlalchemy import func, select

from app.extensions import db
from app.federation.delivery import post_activity
from app.models import InboxActivity, Post, RemoteActor, User
from app.models import domain_block as rules
from tests.activitypub.federated.remote import SITE, trust
from tests.activitypub.federated.test_lookup import serve_webfinger
from tests.activitypub.federated.test_outbox import bob_follows_susan, delivered
from tests.conftest import AuthActions


def server_of(bob) -> str:
    return bob.server.url.removeprefix("http://")


def impose(app, bob, severity: str) -> None:
    with app.app_context():
        rules.impose(server_of(bob), severity, "boss")
        db.session.commit()


def bob_user(app) -> User | None:
    with app.app_context():
        actor = db.session.scalar(select(RemoteActor))
        return actor.user if actor is not None else None


def test_a_blocked_server_is_refused_before_anything_is_fetched(app, client, make_user, bob):
    make_user("susan")
    impose(app, bob, rules.BLOCK)
    response = bob.post(client, bob.activity("Follow", f"{SITE}/users/susan"))
    assert response.status_code == 403
    # Not even his key was fetched, nor anything kept.
    assert bob.server.received == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InboxActivity)) == 0
        assert db.session.scalar(select(func.count()).select_from(RemoteActor)) == 0


def test_a_known_account_of_a_blocked_server_is_suspended_and_refused(app, client, make_user, bob):
    bob_follows_susan(app, client, make_user, bob)
    impose(app, bob, rules.BLOCK)
    assert bob_user(app).is_suspended
    note = bob.note("<p>still here?</p>")
    assert bob.post(client, bob.activity("Create", note)).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Post).where(Post.uri == note["id"])) is None


def test_nothing_is_fetched_from_a_blocked_server(app, client, make_user, bob):
    make_user("susan")
    handle = serve_webfinger(bob)
    impose(app, bob, rules.BLOCK)
    AuthActions(client).login("susan")
    response = client.get("/search", query_string={"q": f"@{handle}"}, follow_redirects=True)
    assert f"No account @{handle} could be found." in response.text
    assert bob.server.received == []


def test_nothing_is_delivered_to_a_blocked_server(app, client, make_user, bob):
    bob_follows_susan(app, client, make_user, bob)
    impose(app, bob, rules.BLOCK)
    bob.server.received.clear()
    AuthActions(client).login("susan")
    client.post("/index", data={"post": "hello fediverse"})
    assert delivered(bob) == []
    # A delivery queued before the block is refused when it is sent.
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        assert post_activity({"type": "Like"}, f"{bob.server.url}/inbox", susan.id) is False
    assert bob.server.received == []
    # Lifted, the server is spoken to again, and bob's follow is still there.
    with app.app_context():
        rules.lift(server_of(bob), "boss")
        db.session.commit()
    client.post("/index", data={"post": "hello again"})
    (create,) = delivered(bob)
    assert "hello again" in create["object"]["content"]


def test_a_silenced_server_still_reaches_its_followers(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202  # bob is known
    with app.app_context():
        db.session.get(User, susan.id).follow(bob_user(app))
        db.session.commit()
    impose(app, bob, rules.SILENCE)
    note = bob.note("<p>quietly whispering #fruit</p>", tag=[{"type": "Hashtag", "name": "#fruit"}])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    AuthActions(client).login("susan")
    assert "whispering" in client.get("/index").text
    assert "whispering" in client.get(f"/user/{bob_user(app).username}").text
    public = ("/explore", "/tag/fruit", "/search?q=quietly", "/explore/feed.atom")
    for path in public:
        assert "whispering" not in client.get(path).text, path
    with app.app_context():
        rules.lift(server_of(bob), "boss")
        db.session.commit()
    for path in public:
        assert "whispering" in client.get(path).text, path


def test_a_user_who_blocks_bobs_server_rejects_his_follow(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    with app.app_context():
        db.session.scalar(User.by_username("susan")).block_domain(server_of(bob))
        db.session.commit()
    assert bob.post(client, bob.activity("Follow", f"{SITE}/users/susan")).status_code == 202
    (reject,) = delivered(bob)
    assert reject["type"] == "Reject"
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        assert db.session.scalars(susan.followers.select()).all() == []
