"""The /api/users endpoints: profiles, followers, sign-up and profile edits."""

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db, mail
from app.models import User
from tests.api.conftest import bearer

SENT = "We have sent an email to that address: it tells you how to sign in."
NEW_USER = {"username": "Amy", "email": "amy@example.com", "password": "long enough"}


def follow(app, follower: str, followed: str) -> None:
    with app.app_context():
        one = db.session.scalar(User.by_username(follower))
        other = db.session.scalar(User.by_username(followed))
        one.follow(other)
        db.session.commit()


def test_user_representation(client, susan, make_user, get_token):
    make_user("john")
    response = client.get(f"/api/users/{susan.id}", headers=bearer(get_token("john")))
    assert response.status_code == 200
    data = response.json
    assert data["id"] == susan.id
    assert data["username"] == "susan"
    assert data["about_me"] is None
    assert data["created_at"].endswith("Z")
    assert data["last_seen"].endswith("Z")
    assert (data["post_count"], data["follower_count"], data["following_count"]) == (0, 0, 0)
    assert data["_links"]["self"] == f"/api/users/{susan.id}"
    assert data["_links"]["followers"] == f"/api/users/{susan.id}/followers"
    assert data["_links"]["following"] == f"/api/users/{susan.id}/following"
    assert data["_links"]["avatar"].startswith("/avatar/")
    assert "email" not in data


def test_email_is_shown_only_to_its_owner(client, susan, make_user, get_token):
    john = make_user("john")
    token = get_token("john")
    assert "email" not in client.get(f"/api/users/{susan.id}", headers=bearer(token)).json
    own = client.get(f"/api/users/{john.id}", headers=bearer(token)).json
    assert own["email"] == "john@example.com"


@pytest.mark.parametrize(
    "path", ["/api/users/99", "/api/users/0", "/api/users/2147483648", "/api/users/" + "9" * 40]
)
def test_unknown_user_is_a_json_404(client, headers, path):
    for suffix in ("", "/followers", "/following", "/posts"):
        response = client.get(path + suffix, headers=headers)
        assert response.status_code == 404
        assert response.json["error"] == "Not Found"


def test_users_are_paginated_as_in_the_tutorial(client, headers, make_user):
    for name in ("amy", "bob"):
        make_user(name)
    first = client.get("/api/users?per_page=2", headers=headers).json
    assert [user["username"] for user in first["items"]] == ["susan", "amy"]
    meta = {"page": 1, "per_page": 2, "total_pages": 2, "total_items": 3, "has_next": True}
    assert first["_meta"] == meta
    assert first["_links"]["prev"] is None
    second = client.get(first["_links"]["next"], headers=headers).json
    assert [user["username"] for user in second["items"]] == ["bob"]
    assert second["_meta"] == {**meta, "page": 2, "has_next": False}
    assert second["_links"]["next"] is None
    assert second["_links"]["prev"] == "/api/users?page=1&per_page=2"
    beyond = client.get("/api/users?page=3&per_page=2", headers=headers).json
    assert (beyond["items"], beyond["_meta"]["total_items"]) == ([], 3)


def test_per_page_is_capped_at_100(client, headers):
    response = client.get("/api/users?per_page=5000", headers=headers)
    assert response.json["_meta"]["per_page"] == 100
    response = client.get("/api/users?per_page=" + "9" * 5000, headers=headers)
    assert response.json["_meta"]["per_page"] == 100


@pytest.mark.parametrize(
    "query", ["page=0", "page=-1", "page=abc", "page=100001", "per_page=0", "per_page=x", "page="]
)
def test_bad_paging_parameters_are_400(client, headers, query):
    response = client.get(f"/api/users?{query}", headers=headers)
    assert response.status_code == 400
    assert response.json["error"] == "Bad Request"


def test_followers_and_following(app, client, susan, make_user, headers):
    john = make_user("john")
    follow(app, "susan", "john")
    followers = client.get(f"/api/users/{john.id}/followers", headers=headers).json
    assert [user["username"] for user in followers["items"]] == ["susan"]
    assert followers["_meta"]["total_items"] == 1
    following = client.get(f"/api/users/{susan.id}/following", headers=headers).json
    assert [user["username"] for user in following["items"]] == ["john"]
    assert following["items"][0]["follower_count"] == 1
    assert client.get(f"/api/users/{susan.id}/followers", headers=headers).json["items"] == []
    assert client.get(f"/api/users/{john.id}", headers=headers).json["follower_count"] == 1
    url = f"/api/users/{john.id}/followers?per_page=1"
    links = client.get(url, headers=headers).json["_links"]
    assert links["self"] == f"/api/users/{john.id}/followers?page=1&per_page=1"


def test_register(app, client):
    with mail.record_messages() as outbox:
        response = client.post("/api/users", json=NEW_USER)
    assert response.status_code == 202
    assert response.json == {"message": SENT}
    with app.app_context():
        user = db.session.scalar(User.by_username("amy"))
        assert user.check_password("long enough")
    assert [(m.recipients, m.subject) for m in outbox] == [
        (["amy@example.com"], "[Microblog] Welcome to Microblog")
    ]


def test_register_with_a_taken_email_answers_the_same(app, client, susan):
    """The answer does not tell that susan@example.com has an account: its owner is told."""
    new = client.post("/api/users", json={**NEW_USER, "email": "new@example.com"})
    with mail.record_messages() as outbox:
        taken = client.post(
            "/api/users", json={**NEW_USER, "username": "bob", "email": "SUSAN@example.com"}
        )
    assert (
        (taken.status_code, taken.json) == (new.status_code, new.json) == (202, {"message": SENT})
    )
    assert [m.recipients for m in outbox] == [["susan@example.com"]]
    assert "tried to sign up" in outbox[0].subject
    with app.app_context():
        assert db.session.scalar(User.by_username("bob")) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "ab"}, "username"),
        ({"username": "bad name!"}, "username"),
        ({"username": "susan"}, "username"),
        ({"username": "SUSAN"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "amy12345", "username": "amy12345"}, "password"),
        ({"username": 5}, "username"),
        ({"email": None}, "email"),
        ({"password": ["a list"]}, "password"),
        ({"username": "amy\x00"}, "username"),
        ({"username": "amy\ud800"}, "username"),
    ],
)
def test_register_validation(client, susan, changes, field):
    response = client.post("/api/users", json={**NEW_USER, **changes})
    assert response.status_code == 400
    assert field in response.json["fields"]
    assert response.json["fields"][field]


def test_missing_fields_are_listed(client):
    response = client.post("/api/users", json={})
    assert response.status_code == 400
    assert set(response.json["fields"]) == {"username", "email", "password"}


def test_update_own_profile(client, susan, headers):
    response = client.put(
        f"/api/users/{susan.id}", json={"username": "Suzy", "about_me": "  hi  "}, headers=headers
    )
    assert response.status_code == 200
    assert (response.json["username"], response.json["about_me"]) == ("suzy", "hi")
    # Fields left out keep their value; null clears about me.
    response = client.put(f"/api/users/{susan.id}", json={"about_me": None}, headers=headers)
    assert (response.json["username"], response.json["about_me"]) == ("suzy", None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "john"}, "username"),
        ({"username": None}, "username"),
        ({"username": ""}, "username"),
        ({"about_me": "x" * 141}, "about_me"),
        ({"about_me": 3}, "about_me"),
    ],
)
def test_update_validation(client, susan, make_user, headers, changes, field):
    make_user("john")
    response = client.put(f"/api/users/{susan.id}", json=changes, headers=headers)
    assert response.status_code == 400
    assert field in response.json["fields"]


def test_only_your_own_profile(client, susan, make_user, headers):
    john = make_user("john")
    response = client.put(f"/api/users/{john.id}", json={"about_me": "hacked"}, headers=headers)
    assert response.status_code == 403
    assert response.json["error"] == "Forbidden"
    assert client.put("/api/users/999", json={}, headers=headers).status_code == 404
    assert client.put(f"/api/users/{susan.id}", json={"about_me": "x"}).status_code == 401


@pytest.fixture
def rival_insert(app):
    """Make another account take a name just before the request's own insert reaches the
    database, as a concurrent request would between the form's check and the commit."""
    inserted = []

    def arm(username: str, email: str):
        def before_flush(session, flush_context, instances):
            if not inserted:
                inserted.append(username)
                session.connection().execute(
                    db.insert(User).values(username=username, email=email, password_hash="x")
                )

        event.listen(Session, "before_flush", before_flush)
        return before_flush

    listeners = []
    yield lambda username, email: listeners.append(arm(username, email))
    for listener in listeners:
        event.remove(Session, "before_flush", listener)


def test_concurrent_duplicate_registration_is_409(client, rival_insert):
    rival_insert("amy", "someone@example.com")
    response = client.post("/api/users", json=NEW_USER)
    assert response.status_code == 409
    assert response.json["error"] == "Conflict"


def test_concurrent_duplicate_rename_is_409(client, susan, headers, rival_insert):
    rival_insert("suzy", "someone@example.com")
    response = client.put(f"/api/users/{susan.id}", json={"username": "suzy"}, headers=headers)
    assert response.status_code == 409
    assert "username" in response.json["fields"]


def test_a_new_email_is_refused_with_the_way_to_change_it(app, client, susan, headers):
    """A new address is proved by a link to it after a fresh password: the settings page."""
    response = client.put(
        f"/api/users/{susan.id}", json={"email": " Susan.New@Example.com "}, headers=headers
    )
    assert response.status_code == 400
    assert "/account/email" in response.json["fields"]["email"][0]
    with app.app_context():
        assert db.session.get(User, susan.id).email == "susan@example.com"
    # Your own address, in another case, is yours to keep.
    response = client.put(
        f"/api/users/{susan.id}",
        json={"email": "SUSAN@example.com", "about_me": "hi"},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json["about_me"] == "hi"


@pytest.mark.parametrize(
    "email", ["not-an-email", "", None, 5, "JOHN@example.com", "x" * 110 + "@example.com"]
)
def test_update_email_validation(app, client, susan, make_user, headers, email):
    make_user("john")
    response = client.put(f"/api/users/{susan.id}", json={"email": email}, headers=headers)
    assert response.status_code == 400
    assert list(response.json["fields"]) == ["email"]
    with app.app_context():
        assert db.session.get(User, susan.id).email == "susan@example.com"


def test_unknown_fields_are_refused_by_name(app, client, susan, headers):
    changes = {"about_me": "changed", "password": "new password", "id": 7}
    response = client.put(f"/api/users/{susan.id}", json=changes, headers=headers)
    assert response.status_code == 400
    assert set(response.json["fields"]) == {"password", "id"}
    with app.app_context():
        assert db.session.get(User, susan.id).about_me is None
