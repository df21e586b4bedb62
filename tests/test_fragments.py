"""Parts of pages rendered once and kept (app/fragments.py)."""

import re

from app.extensions import db
from app.fragments import keep
from app.models import Message, User
from tests.conftest import PASSWORD, add_user


def navbar(page: str) -> str:
    return re.search(r"<nav .*?</nav>", page, re.S).group(0)


def test_the_shared_parts_are_rendered_once_and_reused(app, client):
    first = client.get("/auth/login").text
    kept = dict(app.extensions["microblog.fragments"])
    assert {key[0] for key in kept} == {
        "stylesheets",
        "navbar",
        "navbar-visitor",
        "language-picker",
        "scripts",
    }
    again = client.get("/auth/register").text
    assert app.extensions["microblog.fragments"] == kept
    # Alike but for the way back from the language picker, which is each page's own.
    way_back = re.compile(r'name="next" type="hidden" value="[^"]*"')
    assert way_back.sub("", navbar(again)) == way_back.sub("", navbar(first))
    assert '<link rel="stylesheet" href="/static/microblog.css">' in again
    assert '<script src="/static/microblog.js" defer></script>' in again


def test_they_are_kept_per_language(client):
    english = navbar(client.get("/auth/login").text)
    chinese = navbar(client.get("/auth/login", headers={"Accept-Language": "zh-CN"}).text)
    assert ">Explore<" in english and ">Login<" in english
    assert ">Explore<" not in chinese and ">Login<" not in chinese
    assert navbar(client.get("/auth/login").text) == english


def test_they_are_kept_per_script_root(client):
    plain = client.get("/auth/login").text
    mounted = client.get("/auth/login", environ_overrides={"SCRIPT_NAME": "/blog"}).text
    assert 'href="/explore"' in navbar(plain)
    assert 'href="/blog/explore"' in navbar(mounted)
    assert 'href="/blog/static/microblog.css"' in mounted


def test_what_differs_per_reader_is_not_kept(app, client, auth, make_user):
    make_user("susan")
    make_user("john")
    auth.login("susan")
    susan = navbar(client.get("/index").text)
    assert 'href="/user/susan">' in susan
    assert "Login" not in susan  # the visitor's links are a part of their own
    auth.logout()
    auth.login("john")
    assert 'href="/user/john">' in navbar(client.get("/index").text)


def test_the_language_pickers_token_and_way_back_are_the_readers_own(make_app, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True)
    add_user(app, "susan")
    visitor, member = app.test_client(), app.test_client()
    token = csrf_token(member.get("/auth/login"))
    credentials = {"username": "susan", "password": PASSWORD, "csrf_token": token}
    assert member.post("/auth/login", data=credentials).status_code == 302
    pages = [
        (visitor, "/auth/register?from=mail"),
        (member, "/explore"),
        (member, "/user/susan"),
    ]
    tokens = set()
    for client, path in pages:
        page = client.get(path).text
        picker = re.search(r'<form[^>]*action="/language".*?</form>', page, re.S).group(0)
        assert f'name="next" type="hidden" value="{path}"' in picker
        tokens.add(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', picker)[1])
    assert len(tokens) == 2  # one a session
    kept = "".join(app.extensions["microblog.fragments"].values())
    assert 'value="/' not in kept
    assert not any(token in kept for token in tokens)
    assert "csrf_token" not in kept and "susan" not in kept


def test_the_unread_badge_shows_the_readers_count(app, client, auth, make_user):
    susan, john = make_user("susan"), make_user("john")
    with app.app_context():
        db.session.add(
            Message(
                author=db.session.get(User, john.id),
                recipient=db.session.get(User, susan.id),
                body="hi",
            )
        )
        db.session.commit()
    auth.login("john")
    assert re.search(r'class="badge text-bg-danger d-none"[^>]*>0<', client.get("/index").text)
    auth.logout()
    auth.login("susan")
    assert re.search(r'class="badge text-bg-danger"[^>]*>1<', client.get("/index").text)


def test_a_full_store_is_emptied_before_it_grows():
    kept: dict = {}
    for n in range(3):
        assert keep(kept, (n,), lambda n=n: f"<p>{n}</p>", limit=2) == f"<p>{n}</p>"
    assert list(kept) == [(2,)]
    assert keep(kept, (2,), lambda: "not rendered again", limit=2) == "<p>2</p>"
