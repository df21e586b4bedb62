"""The tutorial's API names on User: to_dict, from_dict, get_token, revoke_token, check_token."""

from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import ApiToken, Post, User
from tests.api.conftest import bearer

BOOK_KEYS = {
    "id",
    "username",
    "last_seen",
    "about_me",
    "post_count",
    "follower_count",
    "following_count",
    "_links",
}


def test_to_dict_has_the_tutorials_keys(app, make_user):
    make_user("susan")
    make_user("john")
    with app.app_context(), app.test_request_context():
        susan, john = (db.session.scalar(User.by_username(name)) for name in ("susan", "john"))
        john.follow(susan)
        db.session.add(Post(body="hi", author=susan))
        db.session.commit()
        data = susan.to_dict()
        assert set(data) >= BOOK_KEYS
        assert "email" not in data
        assert {"self", "followers", "following", "avatar"} <= set(data["_links"])
        assert (data["post_count"], data["follower_count"], data["following_count"]) == (1, 1, 0)
        assert susan.to_dict(include_email=True)["email"] == "susan@example.com"


def test_from_dict_stores_what_the_site_would(app):
    with app.app_context():
        user = User()
        data = {"username": "Amy", "email": " Amy@Example.com ", "password": "long enough"}
        user.from_dict(data, new_user=True)
        assert (user.username, user.email) == ("amy", "amy@example.com")
        assert user.check_password("long enough")
        user.from_dict({"about_me": "  hello  ", "password": "ignored here"})
        assert user.about_me == "hello"
        assert user.check_password("long enough")


def test_get_token_is_a_bearer_token_of_the_api(app, client, make_user):
    susan = make_user("susan")
    with app.app_context():
        user = db.session.get(User, susan.id)
        token = user.get_token(expires_in=600)
        db.session.commit()
        expires = db.session.scalar(db.select(ApiToken.expires_at))
    assert timedelta(seconds=590) < expires - datetime.now(UTC) <= timedelta(seconds=600)
    assert client.get("/api/users", headers=bearer(token)).status_code == 200
    with app.app_context():
        assert User.check_token(token).id == susan.id
        assert User.check_token("not a token") is None


def test_revoke_token(app, client, make_user):
    susan = make_user("susan")
    with app.app_context():
        user = db.session.get(User, susan.id)
        kept, revoked = user.get_token(), user.get_token()
        db.session.commit()
        user.revoke_token(revoked)
        db.session.commit()
        assert User.check_token(revoked) is None
        assert User.check_token(kept).id == susan.id
        user.revoke_token()
        db.session.commit()
        assert User.check_token(kept) is None
    assert client.get("/api/users", headers=bearer(kept)).status_code == 401
