"""Approving followers: the setting on the edit-profile page, asking to follow someone who
approves, and their accepting or rejecting from the follow requests page."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import FollowRequest, User


def follows(app, follower: str, followed: str) -> bool:
    with app.app_context():
        a, b = (db.session.scalar(User.by_username(name)) for name in (follower, followed))
        return a.is_following(b)


def test_the_setting_is_on_the_edit_profile_page(app, client, auth, make_user):
    make_user("susan")
    auth.login()
    assert 'name="approve_followers"' in client.get("/edit_profile").text
    client.post("/edit_profile", data={"username": "susan", "approve_followers": "y"})
    with app.app_context():
        assert db.session.scalar(User.by_username("susan")).approve_followers
    assert "/follow-requests" in client.get("/user/susan").text
    client.post("/edit_profile", data={"username": "susan"})
    with app.app_context():
        assert not db.session.scalar(User.by_username("susan")).approve_followers


def ask(client, auth, follower: str, followed: str):
    auth.login(follower)
    response = client.post(f"/follow/{followed}", follow_redirects=True)
    auth.logout()
    return response


@pytest.mark.parametrize(("answer", "followed"), [("accept", True), ("reject", False)])
def test_a_request_is_answered(app, client, auth, make_user, answer, followed):
    make_user("susan", approve_followers=True)
    make_user("john")
    assert "You asked to follow susan." in ask(client, auth, "john", "susan").text
    assert not follows(app, "john", "susan")
    auth.login("susan")
    page = client.get("/follow-requests")
    assert "john" in page.text
    with app.app_context():
        (request,) = db.session.scalars(select_all()).all()
        id = request.id
    response = client.post(f"/follow-requests/{id}/{answer}", follow_redirects=True)
    assert response.status_code == 200
    assert follows(app, "john", "susan") is followed
    assert "Nobody is asking to follow you." in response.text


def select_all():
    return select(FollowRequest)


def test_someone_else_cannot_answer(app, client, auth, make_user):
    make_user("susan", approve_followers=True)
    make_user("john")
    make_user("eve")
    ask(client, auth, "john", "susan")
    auth.login("eve")
    assert client.post("/follow-requests/1/accept").status_code == 404
    assert client.post("/follow-requests/99/reject").status_code == 404
    assert client.post("/follow-requests/1/ignore").status_code == 404
    assert not follows(app, "john", "susan")


def test_the_profile_says_a_request_waits_and_it_can_be_taken_back(app, client, auth, make_user):
    make_user("susan", approve_followers=True)
    make_user("john")
    ask(client, auth, "john", "susan")
    auth.login("john")
    page = client.get("/user/susan").text
    assert "Follow requested" in page
    assert 'action="/unfollow/susan"' in page and 'action="/follow/susan"' not in page
    client.post("/unfollow/susan")
    page = client.get("/user/susan").text
    assert "Follow requested" not in page and 'action="/follow/susan"' in page
    with app.app_context():
        assert db.session.scalars(select_all()).all() == []


def test_without_approval_a_follow_is_at_once(app, client, auth, make_user):
    make_user("susan")
    make_user("john")
    assert "You are following susan!" in ask(client, auth, "john", "susan").text
    assert follows(app, "john", "susan")
