"""The post page with the rest of issue 19: hidden posts, blocks, and the action bar."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Post, User
from app.models.moderation import HIDDEN
from tests.conftest import PASSWORD, add_user
from tests.posts.test_routes import write


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def test_a_hidden_post_is_shown_only_to_its_author_and_admins(app, client, auth, make_user):
    make_user("susan"), make_user("john"), make_user("boss")
    post_id = write(app, "susan", "something against the rules")
    with app.app_context():
        db.session.get(Post, post_id).hidden = HIDDEN
        user("boss").is_admin = True
        db.session.commit()
    auth.login("john")
    assert client.get(f"/post/{post_id}").status_code == 404
    auth.logout()
    for name in ("susan", "boss"):
        auth.login(name)
        assert client.get(f"/post/{post_id}").status_code == 200
        auth.logout()


def test_no_reply_across_a_block(app, client, auth, make_user):
    make_user("susan"), make_user("john")
    post_id = write(app, "susan", "hello")
    with app.app_context():
        user("susan").block(user("john"))
        db.session.commit()
    auth.login("john")
    response = client.post(f"/post/{post_id}", data={"post": "@susan hi"}, follow_redirects=True)
    assert "You cannot reply to this post." in response.text
    with app.app_context():
        assert db.session.scalar(select(Post).where(Post.in_reply_to_id == post_id)) is None


def test_the_post_page_has_the_readers_action_bar(app, client, auth, make_user):
    make_user("susan"), make_user("john")
    post_id = write(app, "susan", "hello")
    with app.app_context():
        user("john").like(db.session.get(Post, post_id))
        db.session.commit()
    auth.login("john")
    page = client.get(f"/post/{post_id}").text
    assert f'action="/post/{post_id}/unlike"' in page
    assert "1 like" in page


def test_a_hidden_post_offers_no_new_like_or_boost_but_takes_one_back(
    app, client, auth, make_user
):  # fmt: skip
    make_user("susan"), make_user("boss", is_admin=True)
    post_id = write(app, "susan", "something against the rules")
    with app.app_context():
        user("susan").like(db.session.get(Post, post_id))
        db.session.get(Post, post_id).hidden = HIDDEN
        db.session.commit()
    for name, path in (("susan", f"/post/{post_id}"), ("boss", "/explore")):
        auth.login(name)
        page = client.get(path).text
        assert f'action="/post/{post_id}/like"' not in page
        assert f'action="/post/{post_id}/boost"' not in page
        assert (f'action="/post/{post_id}/unlike"' in page) == (name == "susan")
        auth.logout()


def test_a_hidden_reply_is_left_out_of_the_thread_for_everyone_else(app, client, auth, make_user):
    make_user("susan"), make_user("john"), make_user("mary"), make_user("boss", is_admin=True)
    with app.app_context():
        root = Post.write(user("susan"), "the root post")
        db.session.commit()
        reply = Post.write(user("john"), "a nasty reply", in_reply_to=root)
        db.session.commit()
        answer = Post.write(user("susan"), "an answer to it", in_reply_to=reply)
        db.session.commit()
        user("boss").hide_post(reply)
        db.session.commit()
        ids = root.id, answer.id
    auth.login("mary")
    for id in ids:  # under the root, and above the answer
        page = client.get(f"/post/{id}").text
        assert "a nasty reply" not in page
        assert "the root post" in page and "an answer to it" in page
    auth.logout()
    for name in ("john", "boss"):  # its author and the admins still see it there
        auth.login(name)
        for id in ids:
            assert "a nasty reply" in client.get(f"/post/{id}").text
        auth.logout()


def hidden_replies(app, count: int, shown: int = 0) -> int:
    """A post of susan's with `count` replies of john's a moderator hid, then `shown`
    listed ones of his: the root's id."""
    with app.app_context():
        root = Post.write(user("susan"), "the root post")
        db.session.commit()
        for number in range(count + shown):
            reply = Post.write(user("john"), f"reply number {number}", in_reply_to=root)
            db.session.commit()
            if number < count:
                user("boss").hide_post(reply)
                db.session.commit()
        return root.id


def replies_on(client, root: int, page: int) -> list[str] | None:
    response = client.get(f"/post/{root}?page={page}")
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return re.findall(r"reply number (\d+)", response.text)


@pytest.mark.parametrize("count", [1, 3])
def test_a_thread_whose_replies_are_all_hidden_shows_the_post_alone(make_app, count):
    app = make_app(POSTS_PER_PAGE=2)
    for name in ("susan", "john", "mary"):
        add_user(app, name)
    add_user(app, "boss", is_admin=True)
    root = hidden_replies(app, count)
    client = app.test_client()
    client.post("/auth/login", data={"username": "mary", "password": PASSWORD})
    page = client.get(f"/post/{root}").text
    assert "the root post" in page and "No replies yet." in page
    assert "Later replies" not in page  # no link to a page of nothing but hidden replies
    assert replies_on(client, root, 2) is None


def test_the_replies_a_reader_may_see_fill_the_thread_pages(make_app):
    app = make_app(POSTS_PER_PAGE=2)
    for name in ("susan", "john", "mary"):
        add_user(app, name)
    add_user(app, "boss", is_admin=True)
    root = hidden_replies(app, 3, shown=3)
    client = app.test_client()
    client.post("/auth/login", data={"username": "mary", "password": PASSWORD})
    assert [replies_on(client, root, n) for n in (1, 2, 3)] == [["3", "4"], ["5"], None]
    for name in ("john", "boss"):  # its author and the admins see them all, in their places
        client.post("/auth/logout")
        client.post("/auth/login", data={"username": name, "password": PASSWORD})
        pages = [replies_on(client, root, n) for n in (1, 2, 3)]
        assert pages == [["0", "1"], ["2", "3"], ["4", "5"]]


@pytest.mark.parametrize("how", ["block", "mute"])
def test_a_thread_leaves_out_the_replies_of_whom_the_reader_blocks_or_mutes(
    app, client, auth, make_user, how
):
    make_user("susan"), make_user("john"), make_user("mary")
    post_id = write(app, "susan", "a question")
    rude = write(app, "john", "a rude answer", in_reply_to=post_id)
    write(app, "mary", "an answer to john", in_reply_to=rude)
    with app.app_context():
        getattr(user("susan"), how)(user("john"))
        db.session.commit()
    auth.login("susan")
    page = client.get(f"/post/{post_id}").text
    # Left out as a hidden reply is: the replies to it stay.
    assert "a rude answer" not in page
    assert "an answer to john" in page
    auth.logout()
    auth.login("mary")
    assert "a rude answer" in client.get(f"/post/{post_id}").text
