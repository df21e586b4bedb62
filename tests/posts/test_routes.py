"""The post page (/post/<id>): the thread, replying, editing and deleting, and every way a
stranger can get them wrong."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Post, PostEdit, User
from tests.conftest import PASSWORD, add_user


def posts_in(response):
    return re.findall(r'<p class="post-body[^>]*>(.*?)</p>', response.text, re.S)


def write(app, username, body, in_reply_to=None) -> int:
    with app.app_context():
        author = db.session.scalar(select(User).where(User.username == username))
        parent = db.session.get(Post, in_reply_to) if in_reply_to else None
        post = Post.write(author, body, in_reply_to=parent)
        db.session.commit()
        return post.id


@pytest.fixture
def two_users(make_user):
    make_user("susan")
    make_user("john")


@pytest.mark.parametrize("path", ["/post/1", "/post/1/edit"])
def test_pages_require_login(client, two_users, app, path):
    write(app, "susan", "hello")
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_thread_page_shows_ancestors_post_and_replies_in_order(app, client, auth, two_users):
    root = write(app, "susan", "root")
    first = write(app, "john", "first reply", root)
    write(app, "susan", "answer to first", first)
    write(app, "john", "second reply", root)
    auth.login("john")
    response = client.get(f"/post/{root}")
    assert response.status_code == 200
    assert posts_in(response) == ["root", "first reply", "answer to first", "second reply"]
    response = client.get(f"/post/{first}")
    assert posts_in(response) == ["root", "first reply", "answer to first"]
    assert f'href="/post/{root}">@susan</a>' in response.text  # replying to @susan
    assert "No replies yet." in client.get("/post/4").text


def test_reply_prefills_mention_and_appears_in_lists(app, client, auth, two_users):
    root = write(app, "susan", "root")
    auth.login("john")
    page = client.get(f"/post/{root}").text
    assert "\n@susan </textarea>" in page
    # The Reply links' fragment names the box itself, which the browser then focuses.
    (box,) = re.findall(r"<textarea[^>]*>", page)
    assert 'id="reply"' in box and 'name="post"' in box
    assert page.count('id="reply"') == 1
    response = client.post(f"/post/{root}", data={"post": "@susan hi"})
    assert response.status_code == 302
    with app.app_context():
        reply = db.session.scalar(select(Post).where(Post.body == "@susan hi"))
        assert (reply.in_reply_to_id, reply.is_reply) == (root, True)
    assert response.headers["Location"] == f"/post/{reply.id}"
    explore = client.get("/explore").text
    assert "replying to" in explore and f'href="/post/{root}#reply">Reply</a>' in explore


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "This field is required."), ("x" * 281, "A post can be at most 280 characters long.")],
)
def test_invalid_reply_and_edit_are_refused(app, client, auth, two_users, body, error):
    root = write(app, "susan", "root")
    auth.login("susan")
    for path in (f"/post/{root}", f"/post/{root}/edit"):
        response = client.post(path, data={"post": body})
        assert response.status_code == 200 and error in response.text, path
    with app.app_context():
        assert db.session.scalars(select(Post.body)).all() == ["root"]


def test_a_reply_or_edit_counts_a_line_break_as_one_character(app, client, auth, two_users):
    root = write(app, "susan", "root")
    auth.login("susan")
    body = "y" * 140 + "\r\n" + "z" * 139  # 280 as written, 281 as the browser sends it
    assert client.post(f"/post/{root}", data={"post": body}).status_code == 302
    assert client.post(f"/post/{root}/edit", data={"post": body}).status_code == 302
    with app.app_context():
        written = "y" * 140 + "\n" + "z" * 139
        assert db.session.scalars(select(Post.body).order_by(Post.id)).all() == [written] * 2


@pytest.mark.parametrize(
    "path", ["/post/999", "/post/0", "/post/99999999999999999999", "/post/999/edit", "/post/x"]
)
def test_missing_posts_are_404(client, auth, two_users, path):
    auth.login()
    assert client.get(path).status_code == 404
    assert client.post(path, data={"post": "hi"}).status_code in (404, 405)


def test_missing_post_delete_is_404(client, auth, two_users):
    auth.login()
    assert client.post("/post/999/delete").status_code == 404


def test_page_past_the_replies_is_404(app, client, auth, two_users):
    root = write(app, "susan", "root")
    auth.login()
    assert client.get(f"/post/{root}?page=1").status_code == 200
    assert client.get(f"/post/{root}?page=2").status_code == 404
    assert client.get(f"/post/{root}?page=-1").status_code == 404


def test_only_the_author_may_edit_or_delete(app, client, auth, two_users):
    root = write(app, "susan", "root")
    auth.login("john")
    page = client.get(f"/post/{root}").text
    assert f"/post/{root}/edit" not in page and f"/post/{root}/delete" not in page
    assert client.get(f"/post/{root}/edit").status_code == 403
    assert client.post(f"/post/{root}/edit", data={"post": "hacked"}).status_code == 403
    assert client.post(f"/post/{root}/delete").status_code == 403
    with app.app_context():
        assert db.session.scalars(select(Post.body)).all() == ["root"]


def test_edit_shows_edited_and_earlier_texts_to_the_author_only(app, client, auth, two_users):
    root = write(app, "susan", "first text")
    auth.login("susan")
    assert "\nfirst text</textarea>" in client.get(f"/post/{root}/edit").text
    response = client.post(f"/post/{root}/edit", data={"post": "second text"})
    assert response.headers["Location"] == f"/post/{root}"
    page = client.get(f"/post/{root}").text
    assert posts_in(client.get(f"/post/{root}")) == ["second text"]
    assert "edited" in page and "first text" in page and "Earlier texts" in page
    assert "edited" in client.get("/explore").text
    auth.logout()
    auth.login("john")
    page = client.get(f"/post/{root}").text
    assert "second text" in page and "edited" in page and "first text" not in page


def test_delete_keeps_replies_that_say_so(app, client, auth, two_users):
    root = write(app, "susan", "root")
    reply = write(app, "john", "a reply", root)
    auth.login("susan")
    response = client.post(f"/post/{root}/delete")
    assert response.headers["Location"] == "/user/susan"
    assert client.get(f"/post/{root}").status_code == 404
    page = client.get(f"/post/{reply}").text
    assert posts_in(client.get(f"/post/{reply}")) == ["a reply"]
    assert "in reply to a deleted post" in page
    with app.app_context():
        assert db.session.scalars(select(Post.body)).all() == ["a reply"]


def test_deleting_a_reply_goes_back_to_its_post(app, client, auth, two_users):
    root = write(app, "susan", "root")
    reply = write(app, "john", "a reply", root)
    auth.login("john")
    assert client.post(f"/post/{reply}/delete").headers["Location"] == f"/post/{root}"
    assert posts_in(client.get(f"/post/{root}")) == ["root"]


def test_state_changes_need_the_csrf_token(make_app, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True)
    add_user(app, "susan")
    root = write(app, "susan", "root")
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    login = {"username": "susan", "password": PASSWORD, "csrf_token": token}
    assert client.post("/auth/login", data=login).status_code == 302
    for path, data in [
        (f"/post/{root}", {"post": "reply"}),
        (f"/post/{root}/edit", {"post": "changed"}),
        (f"/post/{root}/delete", {}),
    ]:
        assert client.post(path, data=data).status_code in (200, 400), path
    with app.app_context():
        assert db.session.scalars(select(Post.body)).all() == ["root"]
        assert db.session.scalars(select(PostEdit)).all() == []
    token = csrf_token(client.get(f"/post/{root}"))
    response = client.post(f"/post/{root}/delete", data={"csrf_token": token})
    assert response.status_code == 302
