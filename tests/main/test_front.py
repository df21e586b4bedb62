"""The front page: what the site is, for visitors, with its newest posts or a sign-up
invitation; the signed-in reader's home at the same address."""

import ast
import re
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Post, User


def write_posts(app, count: int, username: str = "author") -> None:
    with app.app_context():
        author = User(username=username, email=f"{username}@example.com")
        db.session.add(author)
        db.session.add_all(Post(body=f"public post {n}", author=author) for n in range(count))
        db.session.commit()


def test_visitors_see_what_the_site_is_and_its_newest_posts(make_app):
    app = make_app(POSTS_PER_PAGE=3)
    write_posts(app, 5)
    response = app.test_client().get("/")
    assert response.status_code == 200
    page = response.text
    assert "Welcome to Microblog" in page
    assert 'href="/auth/register">Sign up<' in page and 'href="/auth/login">Log in<' in page
    # The newest three, newest first: one page, no way to the others but signing up.
    bodies = re.findall(r'class="post-body[^>]*>([^<]*)<', page)
    assert len(bodies) == 3 and set(bodies) <= {f"public post {n}" for n in range(5)}
    assert "private" not in page


def test_a_private_site_invites_visitors_to_sign_up_instead(make_app, count_queries):
    app = make_app(PUBLIC_TIMELINE=False)
    write_posts(app, 2)
    client = app.test_client()
    client.get("/")
    with count_queries(app) as counter:
        page = client.get("/").text
    assert "public post" not in page and 'class="post-body' not in page
    assert "This site is private: sign up or log in to read its posts." in page
    assert 'href="/auth/register">Sign up<' in page
    assert counter.count == 0  # no post is even read


def test_the_front_page_is_the_home_page_once_signed_in(client, auth, make_user):
    make_user("susan")
    auth.login("susan")
    page = client.get("/").text
    assert "Hi, susan!" in page and "Welcome to Microblog" not in page


def test_the_home_page_still_asks_visitors_to_log_in(client):
    assert client.get("/index").headers["Location"].startswith("/auth/login")


@pytest.mark.speedups
def test_the_front_pages_query_count_does_not_grow_with_page_size(make_app, count_queries):
    counts = []
    for per_page in (5, 25):
        app = make_app(POSTS_PER_PAGE=per_page)
        write_posts(app, 30)
        client = app.test_client()
        client.get("/")
        with count_queries(app) as counter:
            page = client.get("/").text
        assert page.count('class="post-body') == per_page
        counts.append(counter.count)
    assert counts[0] == counts[1] == 1, counts


def test_the_benchmarks_load_the_front_page_as_a_visitor():
    """benchmarks/bench.py measures every page the speed-ups serve: this one too."""
    source = (Path(__file__).resolve().parents[2] / "benchmarks" / "bench.py").read_text()
    pages = ast.literal_eval(re.search(r"^PAGES = (\[.*?\])$", source, re.S | re.M)[1])
    assert ("/", False) in pages
