"""The speed-ups' kept articles and action bars (app/speedups/bars.py): each reader gets
their own state and CSRF token, and no token is ever kept."""

import re

from app.extensions import db
from app.models import Post, User
from tests.conftest import PASSWORD


def test_kept_bars_hold_no_token_and_each_reader_gets_their_own(make_app, csrf_token):
    app = make_app(SPEEDUPS=True, WTF_CSRF_ENABLED=True)
    with app.app_context():
        users = [User(username=name, email=f"{name}@example.com") for name in ("susan", "john")]
        for user in users:
            user.set_password(PASSWORD)
        db.session.add_all([*users, Post(body="hello", author=users[1])])
        db.session.flush()
        users[0].like(db.session.get(Post, 1))
        db.session.commit()
    pages = {}
    for name in ("susan", "john", "susan"):
        client = app.test_client()
        token = csrf_token(client.get("/auth/login"))
        credentials = {"username": name, "password": PASSWORD, "csrf_token": token}
        assert client.post("/auth/login", data=credentials).status_code == 302
        pages[name] = client.get("/explore").text
        bar = re.search(r'<div class="post-actions.*?</div>', pages[name], re.S).group(0)
        # The reader's own token, the one every form of their page carries.
        assert re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', bar)
        assert (
            len(set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', pages[name])))
            == 1
        )
    assert 'action="/post/1/unlike"' in pages["susan"]
    assert 'action="/post/1/like"' in pages["john"]
    kept = "".join(app.extensions["microblog.articles_with_bars"].values())
    assert kept.count("\x00csrf\x00") >= 4
    assert not re.search(r'name="csrf_token" type="hidden" value="[^"\x00]', kept)


def test_a_lists_rows_carry_their_readers_likes_and_boosts(make_app):
    app = make_app(SPEEDUPS=True)
    with app.test_request_context("/explore"):
        susan, john = (
            User(username=name, email=f"{name}@example.com") for name in ("susan", "john")
        )
        posts = [Post(body=f"post {n}", author=john) for n in range(4)]
        db.session.add_all([susan, john, *posts])
        db.session.flush()
        susan.like(posts[0])
        susan.like(posts[1])
        susan.boost(posts[1])
        susan.boost(posts[2])
        john.like(posts[3])
        db.session.commit()
        pages = app.extensions["microblog.post_pages"]
        for reader in (susan, john):
            rows = pages.explore_page(1, 10, reader).items
            assert {row.reactions_of for row in rows} == {reader.id}
            found = ({row.id for row in rows if row.liked}, {row.id for row in rows if row.boosted})
            assert found == reader.reactions_to(post.id for post in posts)
        # A visitor's page (no reader) likes and boosts nothing.
        rows = pages.explore_page(1, 10).items
        assert not any(row.liked or row.boosted for row in rows)
