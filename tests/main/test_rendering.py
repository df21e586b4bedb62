"""The page helpers that cache or precompute must print exactly what rendering afresh would."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import format_datetime, format_timedelta
from sqlalchemy import select

from app.extensions import db
from app.main import rendering
from app.main.rendering import _timedelta_bucket, exact_time, relative_time
from app.models import Post, utcnow
from app.speedups import articles

# Babel switches unit at 0.85 of it and rounds: probe a little either side of each switch.
EDGES = [0.85 * unit for unit in (60, 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400)]
SECONDS = [0, 0.4, 1, 29, 31, 59, 89, 91, 155, 5398, 5402, 215_998, 216_002, 100_000_000] + [
    edge + offset for edge in EDGES for offset in (-2, 2)
]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_relative_time_matches_babel_on_every_bucket_edge(app, language, monkeypatch):
    # A fixed clock: a loaded machine may pause between two readings of a real one.
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(rendering, "utcnow", lambda: now)
    with app.test_request_context(headers={"Accept-Language": language}):
        for seconds in SECONDS:
            for sign in (-1, 1):
                moment = now + timedelta(seconds=sign * seconds)
                expected = format_timedelta(moment - now, add_direction=True)
                assert relative_time(moment) == expected, (sign * seconds, language)


def test_the_bucket_separates_what_babel_prints_differently():
    # 5.6 days is "6 days" but 6 days is "1 week": they must not share a cached answer.
    assert _timedelta_bucket(-5.6 * 86400) != _timedelta_bucket(-6 * 86400)
    assert _timedelta_bucket(-6 * 86400) == ("week", 1, False)
    assert _timedelta_bucket(30) != _timedelta_bucket(-30)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_exact_time_is_cached_per_language(app, language):
    moment = utcnow() - timedelta(days=3)
    with app.test_request_context(headers={"Accept-Language": language}):
        expected = format_datetime(moment, "medium", rebase=False) + " UTC"
        assert exact_time(moment) == expected
        assert exact_time(moment) == expected


def post_list_of(response) -> str:
    """The list's articles (each page's action bars lead back to the page itself)."""
    posts = response.text.partition('<section class="mt-4">')[2].partition("</section>")[0]
    return "".join(re.findall(r"<article.*?</article>", posts, re.S))


@pytest.mark.speedups
def test_a_cached_post_looks_as_it_did_when_rendered(app, client, auth, make_user):
    make_user()
    auth.login()
    client.post("/index", data={"post": "hello <b>world</b> https://example.com"})
    first = post_list_of(client.get("/explore"))
    assert len(app.extensions["microblog.articles_with_bars"]) == 1
    assert post_list_of(client.get("/explore")) == first
    assert len(app.extensions["microblog.articles_with_bars"]) == 1
    # Kept again for another page to come back to (its bar's `next`), the article the same.
    assert post_list_of(client.get("/user/susan")) == first
    assert "hello &lt;b&gt;world&lt;/b&gt;" in first
    assert "nofollow noopener" in first
    assert len(app.extensions["microblog.articles_with_bars"]) == 2


def test_a_post_shows_its_authors_new_name(client, auth, make_user):
    make_user()
    auth.login()
    client.post("/index", data={"post": "a post"})
    assert ">susan</a>" in post_list_of(client.get("/explore"))
    client.post("/edit_profile", data={"username": "susanna", "about_me": ""})
    page = post_list_of(client.get("/explore"))
    assert ">susanna</a>" in page
    assert ">susan</a>" not in page


def test_a_post_is_rendered_in_each_readers_language(client, auth, make_user):
    make_user()
    auth.login()
    client.post("/index", data={"post": "a post"})
    assert " said " in post_list_of(client.get("/explore"))
    chinese = post_list_of(client.get("/explore", headers={"Accept-Language": "zh-CN"}))
    assert " said " not in chinese
    assert "发表于" in chinese
    assert " said " in post_list_of(client.get("/explore"))


def test_a_posts_relative_time_moves_on(app, client, auth, make_user, monkeypatch):
    make_user()
    auth.login()
    client.post("/index", data={"post": "a post"})
    with app.app_context():
        posted = db.session.scalar(select(Post.timestamp))
    # The page's clock, set: a loaded machine may take more than a second between requests.
    for module in (rendering, articles):
        monkeypatch.setattr(module, "utcnow", lambda: posted + timedelta(seconds=1))
    assert "1 second ago" in post_list_of(client.get("/explore"))
    for module in (rendering, articles):
        monkeypatch.setattr(module, "utcnow", lambda: posted + timedelta(hours=3))
    assert "3 hours ago" in post_list_of(client.get("/explore"))


@pytest.mark.speedups
def test_the_article_cache_stays_bounded(app, client, auth, make_user, monkeypatch):
    monkeypatch.setattr(articles, "PIECE_CACHE_SIZE", 3)
    make_user()
    auth.login()
    for n in range(5):
        client.post("/index", data={"post": f"post {n}"})
    assert len(post_list_of(client.get("/explore")).split("<article")) == 6
    assert len(app.extensions["microblog.articles_with_bars"]) <= 3
    for n in range(5, 7):
        client.post("/index", data={"post": f"post {n}"})
    posts = post_list_of(client.get("/user/susan?page=1"))
    assert [f"post {n}" in posts for n in range(7)] == [True] * 7
    assert len(app.extensions["microblog.articles_with_bars"]) <= 3
