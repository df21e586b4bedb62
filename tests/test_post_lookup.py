"""The post a page's URL names (app/post_lookup.py): ids past the databases' integers are a
404, and a hidden post is for its author and the admins, who cannot like, boost, reply to or
report it."""

import pytest

from app.extensions import db
from app.models import Post, Report, User
from app.models.moderation import HIDDEN
from app.models.reactions import Boost, Like

HUGE = 99999999999999999999
HIDDEN_MESSAGE = "This post is hidden by the moderators"


@pytest.fixture
def hidden_post(app, make_user) -> int:
    """A post by susan, hidden by the moderators; john and the admin boss also exist."""
    make_user("susan"), make_user("john"), make_user("boss", is_admin=True)
    return write_hidden_post(app)


def write_hidden_post(app) -> int:
    """The id of a post by susan that the admin boss hid (both exist)."""
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        post = Post.write(susan, "something against the rules")
        db.session.commit()
        db.session.scalar(User.by_username("boss")).hide_post(post)
        db.session.commit()
        assert post.hidden == HIDDEN
        return post.id


@pytest.mark.parametrize("id", [HUGE, 2**31, 2**63])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/post/{id}"),
        ("post", "/post/{id}"),
        ("get", "/post/{id}/edit"),
        ("post", "/post/{id}/delete"),
        ("post", "/post/{id}/like"),
        ("post", "/post/{id}/unlike"),
        ("post", "/post/{id}/boost"),
        ("post", "/post/{id}/unboost"),
        ("get", "/post/{id}/likes"),
        ("get", "/report/post/{id}"),
        ("post", "/admin/posts/{id}/hide"),
        ("post", "/admin/reports/{id}/dismiss"),
    ],
)
def test_an_id_no_post_can_have_is_404(client, auth, make_user, method, url, id):
    make_user("boss", is_admin=True)
    auth.login("boss")
    assert getattr(client, method)(url.format(id=id)).status_code == 404


@pytest.mark.parametrize("url", ["/post/{id}/like", "/post/{id}/boost", "/report/post/{id}"])
def test_a_hidden_post_cannot_be_liked_boosted_or_reported(app, client, auth, hidden_post, url):
    for name in ("susan", "boss"):  # the two who can see it are told why
        auth.login(name)
        response = client.post(url.format(id=hidden_post), data={"reason": "spam"})
        assert response.status_code == 403
        assert HIDDEN_MESSAGE in response.text
        auth.logout()
    auth.login("john")  # to anyone else it is not there
    assert client.post(url.format(id=hidden_post), data={"reason": "spam"}).status_code == 404
    with app.app_context():
        for model in (Like, Boost, Report):
            assert db.session.scalars(db.select(model)).all() == []


def test_a_hidden_post_takes_no_reply(app, client, auth, hidden_post):
    auth.login("susan")
    page = client.get(f"/post/{hidden_post}").text
    assert 'id="reply"' not in page
    response = client.post(f"/post/{hidden_post}", data={"post": "a reply"})
    assert response.status_code == 403
    assert HIDDEN_MESSAGE in response.text
    with app.app_context():
        assert db.session.scalar(db.select(Post).where(Post.in_reply_to_id == hidden_post)) is None


def test_a_like_of_a_post_hidden_since_can_be_taken_back(app, client, auth, hidden_post):
    with app.app_context():
        post = db.session.get(Post, hidden_post)
        db.session.scalar(User.by_username("susan")).like(post)
        db.session.commit()
    auth.login("susan")
    assert client.post(f"/post/{hidden_post}/unlike").status_code == 302
    with app.app_context():
        assert db.session.get(Post, hidden_post).like_count == 0


def test_who_liked_a_hidden_post_is_hidden_too(client, auth, hidden_post):
    auth.login("john")
    assert client.get(f"/post/{hidden_post}/likes").status_code == 404
    auth.logout()
    auth.login("susan")
    assert client.get(f"/post/{hidden_post}/likes").status_code == 200


@pytest.mark.parametrize("blocker", ["susan", "john"])
@pytest.mark.parametrize("verb", ["like", "boost"])
def test_no_like_or_boost_across_a_block(app, client, auth, make_user, blocker, verb):
    make_user("susan"), make_user("john")
    with app.app_context():
        susan, john = (db.session.scalar(User.by_username(name)) for name in ("susan", "john"))
        post = Post.write(susan, "hello")
        (susan if blocker == "susan" else john).block(john if blocker == "susan" else susan)
        db.session.commit()
        post_id = post.id
    auth.login("john")
    response = client.post(f"/post/{post_id}/{verb}")
    assert response.status_code == 403
    assert "one of you blocks the other" in response.text
    with app.app_context():
        assert db.session.scalars(db.select(Like if verb == "like" else Boost)).all() == []
