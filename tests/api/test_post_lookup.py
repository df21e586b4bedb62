"""The post an API URL names: ids past the databases' integers are a 404, a hidden post is for
its author and the admins, who cannot like, boost, reply to or report it, and nobody replies
across a block."""

import pytest

from app.extensions import db
from app.models import Post, Report, User
from app.models.reactions import Boost, Like
from tests.api.conftest import bearer
from tests.test_post_lookup import HIDDEN_MESSAGE, write_hidden_post


@pytest.fixture
def hidden_post(app, make_user) -> int:
    """A post by susan, hidden by the moderators; john and the admin boss also exist."""
    make_user("john"), make_user("boss", is_admin=True)
    return write_hidden_post(app)


@pytest.mark.parametrize("id", ["99999999999999999999", str(2**31), "0" * 30 + "1" * 12])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/posts/{id}"),
        ("put", "/api/posts/{id}"),
        ("delete", "/api/posts/{id}"),
        ("post", "/api/posts/{id}/like"),
        ("delete", "/api/posts/{id}/like"),
        ("post", "/api/posts/{id}/boost"),
        ("delete", "/api/posts/{id}/boost"),
        ("get", "/api/posts/{id}/likes"),
        ("post", "/api/posts/{id}/report"),
    ],
)
def test_an_id_no_post_can_have_is_404(client, headers, method, url, id):
    body = {"body": "hello", "reason": "spam"}
    response = getattr(client, method)(url.format(id=id), headers=headers, json=body)
    assert response.status_code == 404
    assert response.json["message"] == "There is no post with this id."


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/posts/{id}/like"),
        ("post", "/api/posts/{id}/boost"),
        ("post", "/api/posts/{id}/report"),
    ],
)
def test_a_hidden_post_cannot_be_liked_boosted_or_reported(
    app, client, headers, get_token, hidden_post, method, url
):
    url = url.format(id=hidden_post)
    for reader in (headers, bearer(get_token("boss"))):  # the two who see it are told why
        response = getattr(client, method)(url, headers=reader, json={"reason": "spam"})
        assert response.status_code == 403
        assert response.json["message"].startswith(HIDDEN_MESSAGE)
    response = client.post(url, headers=bearer(get_token("john")), json={"reason": "spam"})
    assert response.status_code == 404
    with app.app_context():
        for model in (Like, Boost, Report):
            assert db.session.scalars(db.select(model)).all() == []


def test_a_hidden_post_takes_no_reply(app, client, headers, get_token, hidden_post):
    reply = {"body": "a reply", "in_reply_to": hidden_post}
    response = client.post("/api/posts", headers=headers, json=reply)
    assert response.status_code == 403
    assert response.json["message"].startswith(HIDDEN_MESSAGE)
    # To anyone else the post is not there.
    response = client.post("/api/posts", headers=bearer(get_token("john")), json=reply)
    assert response.status_code == 400
    assert response.json["fields"] == {"in_reply_to": ["There is no post with this id."]}
    with app.app_context():
        assert db.session.scalar(db.select(Post).where(Post.in_reply_to_id == hidden_post)) is None


@pytest.mark.parametrize("blocker", ["susan", "john"])
def test_no_reply_across_a_block(app, client, headers, make_user, get_token, blocker):
    make_user("john")
    with app.app_context():
        susan, john = (db.session.scalar(User.by_username(name)) for name in ("susan", "john"))
        post = Post.write(susan, "hello")
        (susan if blocker == "susan" else john).block(john if blocker == "susan" else susan)
        db.session.commit()
        post_id = post.id
    reply = {"body": "@susan hi", "in_reply_to": post_id}
    response = client.post("/api/posts", headers=bearer(get_token("john")), json=reply)
    assert response.status_code == 403
    assert response.json["message"] == "You cannot reply to this post."
    with app.app_context():
        assert db.session.scalar(db.select(Post).where(Post.in_reply_to_id == post_id)) is None


def test_a_hidden_post_is_for_its_author_and_the_admins(client, headers, get_token, hidden_post):
    url = f"/api/posts/{hidden_post}"
    assert client.get(url, headers=headers).status_code == 200
    assert client.get(url, headers=bearer(get_token("boss"))).status_code == 200
    john = bearer(get_token("john"))
    for method in (client.get, client.put, client.delete):
        assert method(url, headers=john, json={"body": "x"}).status_code == 404
    assert client.get(f"{url}/likes", headers=john).status_code == 404


def test_a_post_says_whether_the_moderators_hid_it(app, client, headers, get_token, hidden_post):
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        listed = Post.write(susan, "a post like any other").id
        db.session.commit()
    boss, john = bearer(get_token("boss")), bearer(get_token("john"))
    for reader in (headers, boss):
        assert client.get(f"/api/posts/{hidden_post}", headers=reader).json["hidden"] is True
        assert client.get(f"/api/posts/{listed}", headers=reader).json["hidden"] is False
        mine = client.get("/api/users/1/posts", headers=reader).json["items"]
        assert [(p["id"], p["hidden"]) for p in mine] == [(listed, False), (hidden_post, True)]
    assert client.get(f"/api/posts/{listed}", headers=john).json["hidden"] is False
    with app.app_context():  # a suspended author's posts are hidden with them
        boss_user = db.session.scalar(User.by_username("boss"))
        boss_user.suspend(db.session.scalar(User.by_username("susan")))
        db.session.commit()
    assert client.get(f"/api/posts/{listed}", headers=boss).json["hidden"] is True


@pytest.mark.parametrize("blocker", ["susan", "john"])
@pytest.mark.parametrize("verb", ["like", "boost"])
def test_no_like_or_boost_across_a_block(app, client, make_user, get_token, headers, blocker, verb):
    make_user("john")
    with app.app_context():
        susan, john = (db.session.scalar(User.by_username(name)) for name in ("susan", "john"))
        post = Post.write(susan, "hello")
        (susan if blocker == "susan" else john).block(john if blocker == "susan" else susan)
        db.session.commit()
        post_id = post.id
    response = client.post(f"/api/posts/{post_id}/{verb}", headers=bearer(get_token("john")))
    assert response.status_code == 403
    assert (
        response.json["message"]
        == "You cannot like or boost this post: one of you blocks the other."
    )
    with app.app_context():
        assert db.session.scalars(db.select(Like if verb == "like" else Boost)).all() == []


@pytest.mark.parametrize("how", ["block", "mute"])
def test_a_posts_replies_leave_out_whom_the_reader_blocks_or_mutes(
    app, client, headers, make_user, get_token, how
):
    make_user("john"), make_user("mary")
    with app.app_context():
        susan, john, mary = (
            db.session.scalar(User.by_username(n)) for n in ("susan", "john", "mary")
        )
        post = Post.write(susan, "a question")
        db.session.flush()
        Post.write(john, "a rude answer", in_reply_to=post)
        Post.write(mary, "a kind answer", in_reply_to=post)
        getattr(susan, how)(john)
        db.session.commit()
        url = f"/api/posts/{post.id}/replies"

    def bodies(headers) -> list[str]:
        return [item["body"] for item in client.get(url, headers=headers).json["items"]]

    assert bodies(headers) == ["a kind answer"]
    assert bodies(bearer(get_token("mary"))) == ["a rude answer", "a kind answer"]
