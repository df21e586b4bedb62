"""Every page of the main blueprint, anonymous and logged in, happy and unhappy."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.main import rendering
from app.models import Post, User
from app.speedups import articles
from tests.conftest import AuthActions, add_user


def posts_in(response):
    return re.findall(r'<p class="post-body[^>]*>(.*?)</p>', response.text, re.S)


@pytest.mark.parametrize(
    "path",
    ["/index", "/explore", "/user/susan", "/user/susan/popup", "/edit_profile"],
)
def test_pages_require_login(client, make_user, path):
    make_user()
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize("path", ["/follow/susan", "/unfollow/susan"])
def test_buttons_require_login(client, make_user, path):
    make_user()
    assert client.post(path).status_code == 302


def test_post_appears_on_home_explore_and_profile(client, auth, make_user):
    make_user()
    auth.login()
    response = client.post("/index", data={"post": "  my first post  "})
    assert response.status_code == 302
    assert response.headers["Location"] == "/index"
    assert "Your post is now live!" in client.get("/index").text
    for path in ("/index", "/explore", "/user/susan"):
        assert posts_in(client.get(path)) == ["my first post"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 281, "A post can be at most 280 characters long."),
    ],
)
def test_invalid_post_is_refused(app, client, auth, make_user, body, error):
    make_user()
    auth.login()
    response = client.post("/index", data={"post": body})
    assert response.status_code == 200
    assert error in response.text
    with app.app_context():
        assert db.session.scalars(select(Post)).all() == []


def test_a_long_post_is_refused_whole_and_kept_in_the_box(client, auth, make_user):
    make_user()
    auth.login()
    box = re.search(r"<textarea [^>]*>", client.get("/index").text).group(0)
    assert "maxlength" not in box and 'data-max-length="280"' in box
    body = "a sentence that goes on " * 12
    response = client.post("/index", data={"post": body})
    assert "A post can be at most 280 characters long." in response.text
    assert f"{body}</textarea>" in response.text


def test_post_of_280_characters_is_accepted(client, auth, make_user):
    make_user()
    auth.login()
    assert client.post("/index", data={"post": "y" * 280}).status_code == 302


def test_a_line_break_counts_one_character_as_the_counter_counts_it(app, client, auth, make_user):
    # Browsers send a text box's line breaks as \r\n: 281 characters here, 280 as written.
    make_user()
    auth.login()
    body = "y" * 140 + "\r\n" + "z" * 139
    assert client.post("/index", data={"post": body}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Post.body)) == "y" * 140 + "\n" + "z" * 139


def test_post_language_is_detected(app, client, auth, make_user):
    make_user()
    auth.login()
    client.post("/index", data={"post": "Ceci est un message écrit en français, bien sûr."})
    client.post("/index", data={"post": "这是一个用中文写的帖子，大家好。"})
    with app.app_context():
        languages = db.session.scalars(select(Post.language).order_by(Post.id)).all()
    assert languages == ["fr", "zh-cn"]


def test_post_html_is_escaped_and_links_are_safe(client, auth, make_user):
    make_user()
    auth.login()
    client.post(
        "/index",
        data={"post": "<script>alert(1)</script> see https://example.com/a?b=1&c=2."},
    )
    body = posts_in(client.get("/index"))[0]
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    # A Markdown post's links (app/models/post_text.py) pass on no ranking: rel is nh3's.
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener ugc"' in body
    assert body.endswith("</a>.")


def test_timeline_shows_followed_not_others(client, auth, make_user):
    for name in ("susan", "john", "mary"):
        make_user(name)
        auth.login(name)
        client.post("/index", data={"post": f"hello from {name}"})
        auth.logout()
    auth.login("susan")
    client.post("/follow/john")
    assert posts_in(client.get("/index")) == ["hello from john", "hello from susan"]
    assert len(posts_in(client.get("/explore"))) == 3
    client.post("/unfollow/john")
    assert posts_in(client.get("/index")) == ["hello from susan"]


@pytest.mark.parametrize(
    ("locale", "none", "one", "two"),
    [
        ("en", "0 followers, 0 following", "1 follower, 0 following", "2 followers, 0 following"),
        ("es", "0 seguidores, 0 seguidos", "1 seguidor, 0 seguidos", "2 seguidores, 0 seguidos"),
        ("zh_CN", "粉丝 0，关注 0", "粉丝 1，关注 0", "粉丝 2，关注 0"),
    ],
)
def test_follower_counts_are_plural_aware_in_each_language(
    client, auth, make_user, locale, none, one, two
):
    make_user("susan", locale=locale)
    make_user("john", locale=locale)
    make_user("mary")
    auth.login("susan")
    assert none in client.get("/user/john").text
    client.post("/follow/john")
    assert one in client.get("/user/john").text
    assert one in client.get("/user/john/popup").text
    auth.logout()
    auth.login("mary")
    client.post("/follow/john")
    auth.logout()
    auth.login("susan")
    assert two in client.get("/user/john").text


def test_profile_shows_counts_and_buttons(client, auth, make_user):
    make_user("susan")
    make_user("john", about_me="I like <b>tea</b>")
    auth.login("susan")
    page = client.get("/user/john").text
    assert "User: john" in page
    assert "I like &lt;b&gt;tea&lt;/b&gt;" in page
    assert "0 followers, 0 following" in page
    assert 'action="/follow/john"' in page
    response = client.post("/follow/john")
    assert response.headers["Location"] == "/user/john"
    page = client.get("/user/john").text
    assert "1 follower, 0 following" in page
    assert 'action="/unfollow/john"' in page
    assert "You are following john!" in page
    own = client.get("/user/susan").text
    assert "0 followers, 1 following" in own
    assert 'href="/edit_profile"' in own
    assert 'action="/follow/susan"' not in own


def test_usernames_in_urls_match_any_case(client, auth, make_user):
    make_user("susan")
    make_user("john")
    auth.login("susan")
    assert client.get("/user/JoHn").status_code == 200
    assert client.post("/follow/JOHN").headers["Location"] == "/user/john"


@pytest.mark.parametrize("path", ["/user/nobody", "/user/nobody/popup"])
def test_missing_user_is_404(client, auth, make_user, path):
    make_user()
    auth.login()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("action", ["follow", "unfollow"])
def test_follow_missing_user_is_404(client, auth, make_user, action):
    make_user()
    auth.login()
    assert client.post(f"/{action}/nobody").status_code == 404


def test_cannot_follow_yourself(app, client, auth, make_user):
    make_user()
    auth.login()
    response = client.post("/follow/susan", follow_redirects=True)
    assert "You cannot follow yourself!" in response.text
    with app.app_context():
        assert db.session.scalar(User.by_username("susan")).following_count() == 0


def test_follow_is_post_only(client, auth, make_user):
    make_user()
    make_user("john")
    auth.login()
    assert client.get("/follow/john").status_code == 405


def test_follow_needs_csrf(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    for name in ("susan", "john"):
        add_user(app, name)
    client = app.test_client()
    page = client.get("/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/auth/login",
        data={"username": "susan", "password": "correct horse", "csrf_token": token},
    )
    assert client.post("/follow/john").status_code == 400
    page = client.get("/user/john").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/follow/john", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(User.by_username("john")).followers_count() == 1


def test_popup_is_a_fragment(client, auth, make_user):
    make_user("susan")
    make_user("john", about_me="hello there")
    auth.login()
    response = client.get("/user/john/popup")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "hello there" in response.text
    assert "0 followers, 0 following" in response.text


def test_author_links_carry_the_popup_url(client, auth, make_user):
    make_user()
    auth.login()
    client.post("/index", data={"post": "hi"})
    page = client.get("/explore").text
    assert 'class="user-popup" href="/user/susan"' in page
    assert 'data-popup="/user/susan/popup"' in page


def test_edit_profile(app, client, auth, make_user):
    make_user()
    auth.login()
    page = client.get("/edit_profile").text
    assert 'value="susan"' in page
    response = client.post("/edit_profile", data={"username": "Suzy", "about_me": " about "})
    assert response.headers["Location"] == "/user/suzy"
    with app.app_context():
        user = db.session.scalar(User.by_username("suzy"))
        assert user.about_me == "about"
    assert client.get("/user/suzy").status_code == 200
    assert client.get("/user/susan").status_code == 404


@pytest.mark.parametrize(
    ("username", "about_me", "error"),
    [
        ("john", "", "Please use a different username."),
        ("JOHN", "", "Please use a different username."),
        ("no spaces", "", "Use only letters, digits"),
        ("ab", "", "Use at least 3 characters"),
        ("susan", "x" * 141, "Field cannot be longer than 140 characters."),
    ],
)
def test_edit_profile_validation(app, client, auth, make_user, username, about_me, error):
    make_user()
    make_user("john")
    auth.login()
    response = client.post("/edit_profile", data={"username": username, "about_me": about_me})
    assert response.status_code == 200
    assert error in response.text
    with app.app_context():
        assert db.session.scalar(User.by_username("susan")).about_me is None


def test_keeping_your_own_username_is_fine(client, auth, make_user):
    make_user()
    auth.login()
    response = client.post("/edit_profile", data={"username": "SUSAN", "about_me": "me"})
    assert response.headers["Location"] == "/user/susan"


@pytest.mark.parametrize("page", ["0", "-1", "100001", "99999999999999999999999"])
def test_impossible_pages_are_404(client, auth, make_user, page):
    make_user()
    auth.login()
    for path in ("/index", "/explore", "/user/susan"):
        assert client.get(f"{path}?page={page}").status_code == 404


@pytest.mark.parametrize("page", ["abc", "", "1.5"])
def test_unreadable_page_numbers_mean_page_one(client, auth, make_user, page):
    make_user()
    auth.login()
    assert client.get(f"/explore?page={page}").status_code == 200


def test_pagination_links(make_app, make_user):
    app = make_app(POSTS_PER_PAGE=2)
    client = app.test_client()
    susan = add_user(app)
    with app.app_context():
        db.session.add_all(Post(body=f"post {i}", user_id=susan.id) for i in range(5))
        db.session.commit()
    AuthActions(client).login()
    first = client.get("/explore").text
    assert 'href="/explore?page=2"' in first
    assert 'rel="prev" href="#"' in first
    last = client.get("/explore?page=3")
    assert 'href="/explore?page=2"' in last.text
    assert 'rel="next" href="#"' in last.text
    assert len(posts_in(last)) == 1
    beyond = client.get("/explore?page=50")
    assert beyond.status_code == 200
    assert posts_in(beyond) == []
    profile = client.get("/user/susan?page=2").text
    assert 'href="/user/susan?page=3"' in profile


def test_identicon_is_svg_and_cached(client):
    response = client.get("/avatar/0123456789abcdef.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.text.startswith("<svg")
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert client.get("/avatar/0123456789abcdef.svg").text == response.text


@pytest.mark.parametrize("seed", ["short", "0123456789abcdeg", "0123456789ABCDEF"])
def test_identicon_rejects_bad_seeds(client, seed):
    assert client.get(f"/avatar/{seed}.svg").status_code == 404


def test_avatars_are_local_by_default_and_gravatar_by_setting(make_app):
    from app.models.avatar import avatar_url

    local = make_app()
    with local.test_request_context():
        assert avatar_url("susan", "susan@example.com", 48).startswith("/avatar/")
    remote = make_app(AVATAR_PROVIDER="gravatar")
    with remote.test_request_context():
        url = avatar_url("susan", "Susan@Example.com", 48)
    assert url.startswith("https://www.gravatar.com/avatar/")
    assert url.endswith("s=48")


def test_times_are_relative_with_exact_utc_in_markup(app, client, auth, make_user, monkeypatch):
    make_user()
    auth.login()
    client.post("/index", data={"post": "timed"})
    with app.app_context():
        posted = db.session.scalar(select(Post.timestamp))
    # The page's clock, set (with the speed-ups, post_articles reads its own).
    for module in (rendering, articles):
        monkeypatch.setattr(module, "utcnow", lambda: posted + timedelta(seconds=2))
    page = client.get("/index").text
    match = re.search(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', page)
    assert match.group(1).endswith("+00:00")
    assert match.group(2).endswith("UTC")
    assert match.group(3) == "2 seconds ago"


def test_last_seen_is_written_at_most_every_few_minutes(
    app, client, auth, make_user, count_queries
):
    make_user()
    auth.login()
    client.get("/explore")
    with count_queries(app) as counter:
        client.get("/explore")
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in counter.statements)
