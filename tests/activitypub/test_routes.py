"""The ActivityPub URLs: who gets JSON and who the page, what is hidden, what a site that
does not federate answers, and the links pages give to their documents."""

import pytest

from app.extensions import db
from app.models import Post, User
from app.models.account_deletion import delete_account
from tests.activitypub.conftest import AP, BROWSER, LD_JSON, MASTODON, remember_bob


@pytest.mark.parametrize(
    "accept",
    [MASTODON, LD_JSON, "application/activity+json", "application/activity+json, */*"],
)
def test_activitypub_clients_get_the_actor(client, make_user, accept):
    make_user("susan")
    response = client.get("/users/susan", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.content_type == "application/activity+json; charset=utf-8"
    assert response.get_json()["type"] == "Person"
    assert "Accept" in response.vary


@pytest.mark.parametrize("accept", [BROWSER, "*/*", None, "application/json"])
def test_browsers_are_sent_to_the_profile(client, make_user, accept):
    make_user("susan")
    response = client.get("/users/SUSAN", headers={"Accept": accept} if accept else {})
    assert response.status_code == 302
    assert response.headers["Location"] == "/user/susan"
    assert "Accept" in response.vary


def test_a_post_page_gives_browsers_the_page_and_clients_the_note(client, auth, make_user):
    make_user("susan")
    auth.login()
    client.post("/index", data={"post": "Hello fediverse"})
    page = client.get("/post/1", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    assert '<link rel="alternate" type="application/activity+json" href="/post/1">' in page.text
    assert "Accept" in page.vary
    auth.logout()
    note = client.get("/post/1", headers=AP)  # no login needed
    assert note.get_json()["type"] == "Note"
    assert "Hello fediverse" in note.get_json()["content"]


def test_the_profile_links_its_actor(client, auth, make_user):
    make_user("susan")
    auth.login()
    page = client.get("/user/susan")
    link = '<link rel="alternate" type="application/activity+json" href="/users/susan">'
    assert link in page.text


def test_a_remote_profile_links_no_actor_of_ours(app, client, auth, make_user):
    make_user("susan")
    with app.app_context():
        remember_bob()
        db.session.commit()
    auth.login()
    page = client.get("/user/bob@remote.example")
    assert page.status_code == 200
    assert "application/activity+json" not in page.text


@pytest.mark.parametrize(
    "path",
    ["/users/{name}", "/users/{name}/outbox", "/users/{name}/outbox?page=true",
     "/users/{name}/followers", "/users/{name}/following?page=1", "/users/{name}/featured"],
)  # fmt: skip
def test_unknown_remote_suspended_and_deleted_users(app, client, make_user, path):
    make_user("admin", is_admin=True)
    make_user("gone")
    make_user("banned")
    with app.app_context():
        remember_bob()
        admin, banned, gone = (
            db.session.scalar(User.by_username(name)) for name in ("admin", "banned", "gone")
        )
        admin.suspend(banned)
        delete_account(gone, 30)
        db.session.commit()
    assert client.get(path.format(name="nobody"), headers=AP).status_code == 404
    assert client.get(path.format(name="bob@remote.example"), headers=AP).status_code == 404
    assert client.get(path.format(name="banned"), headers=AP).status_code == 410
    assert client.get(path.format(name="gone"), headers=AP).status_code == 410


def test_hidden_and_suspended_posts_are_not_served(app, client, make_user, write_posts):
    make_user("admin", is_admin=True)
    listed, hidden = write_posts("susan", "listed", "hidden")
    (banned,) = write_posts("banned", "by a suspended author")
    with app.app_context():
        admin = db.session.scalar(User.by_username("admin"))
        admin.hide_post(db.session.get(Post, hidden))
        admin.suspend(db.session.scalar(User.by_username("banned")))
        db.session.commit()
    for path in ("/post/{}", "/post/{}/activity"):
        assert client.get(path.format(listed), headers=AP).status_code == 200
        assert client.get(path.format(hidden), headers=AP).status_code == 404
        assert client.get(path.format(banned), headers=AP).status_code == 410
        assert client.get(path.format(9999), headers=AP).status_code == 404
        assert client.get(path.format(2**40), headers=AP).status_code == 404
    outbox = client.get("/users/susan/outbox?page=true", headers=AP).get_json()
    assert [item["object"]["content"] for item in outbox["orderedItems"]] == ["<p>listed</p>"]
    assert client.get("/users/susan/outbox", headers=AP).get_json()["totalItems"] == 1


@pytest.mark.parametrize("path", ["/inbox", "/users/susan/inbox"])
def test_the_inboxes_need_no_csrf_token_but_a_signature(make_app, make_user, path):
    app = make_app(ACTIVITYPUB_ALLOW_HTTP=True, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.session.add(User(username="susan", email="susan@example.com"))
        db.session.commit()
    activity = {"id": "https://a.example/1", "type": "Follow", "actor": "https://a.example/x"}
    response = app.test_client().post(path, json=activity)
    assert response.status_code == 401  # not 400 for a missing CSRF token


def test_the_inbox_of_nobody_is_not_found(client):
    assert client.post("/users/nobody/inbox", json={}).status_code == 404


FEDERATED_PATHS = [
    "/.well-known/webfinger?resource=acct:susan@localhost", "/.well-known/host-meta",
    "/.well-known/nodeinfo", "/nodeinfo/2.1", "/users/susan", "/users/susan/outbox",
    "/post/1/activity",
]  # fmt: skip


@pytest.mark.parametrize(
    "settings",
    [{"ACTIVITYPUB_ALLOW_HTTP": False}, {"ACTIVITYPUB_ALLOW_HTTP": True, "PUBLIC_TIMELINE": False}],
    ids=["http-ids", "private-site"],
)
def test_a_site_that_does_not_federate_serves_no_documents(make_app, settings):
    app = make_app(**settings)
    with app.app_context():
        susan = User(username="susan", email="susan@example.com")
        db.session.add(susan)
        Post.write(susan, "Hello")
        db.session.commit()
    client = app.test_client()
    for path in FEDERATED_PATHS:
        assert client.get(path, headers=AP).status_code == 404, path
    # The post's page is still the page (here: sign in first), never the Note.
    response = client.get("/post/1", headers=AP)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
