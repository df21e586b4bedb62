"""/search on SQLite (FTS5 trigram), PostgreSQL (tsvector and pg_trgm) and MariaDB (LIKE)."""

import html
import re

import pytest

from app.search.forms import MAX_QUERY_LENGTH

POST_BODY = re.compile(r'<p class="post-body[^>]*>(.*?)</p>', re.S)
EMPTY = "Please enter a search term."
TOO_LONG = f"Search terms are limited to {MAX_QUERY_LENGTH} characters."


def found(client, query, **params) -> list[str]:
    """The bodies of the posts a search shows, in page order."""
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200, response.text
    assert EMPTY not in response.text
    return [html.unescape(body) for body in POST_BODY.findall(response.text)]


@pytest.fixture
def logged_in(susan, auth):
    auth.login()


def test_login_required(client):
    response = client.get("/search", query_string={"q": "hello"})
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_navbar_search_box_for_logged_in_users_only(client, logged_in, auth):
    assert 'name="q"' in client.get("/explore").text
    auth.logout()
    assert 'name="q"' not in client.get("/auth/login").text


def test_the_search_page_has_one_search_box(client, logged_in):
    page = client.get("/search", query_string={"q": "hello"}).text
    assert page.count('name="q"') == 1
    assert page.count('role="search"') == 1
    assert 'value="hello"' in page


def test_search_page_without_a_query_asks_for_nothing(client, logged_in):
    response = client.get("/search")
    assert response.status_code == 200
    assert EMPTY not in response.text


# NUL never gets this far: app.security answers 400 for it in any request.
@pytest.mark.parametrize("query", ["", "   ", "\t\n", "\x01", "\x01\x7f \x1b"])
def test_empty_query(client, logged_in, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert EMPTY in response.text


def test_query_length_is_limited(client, logged_in, write_posts):
    write_posts("x" * 100)
    response = client.get("/search", query_string={"q": "x" * 10_000})
    assert response.status_code == 200
    assert TOO_LONG in response.text
    assert found(client, "x" * MAX_QUERY_LENGTH) == ["x" * 100]


def test_english_words_ignore_case_newest_first(client, logged_in, write_posts):
    write_posts("hello world", "goodbye world", "Hello there")
    assert found(client, "hello") == ["Hello there", "hello world"]
    assert found(client, "WORLD") == ["goodbye world", "hello world"]
    assert found(client, "hello world") == ["hello world"]
    assert found(client, "nothing") == []


def test_control_characters_separate_terms(client, logged_in, write_posts):
    write_posts("hello world", "hello there")
    assert found(client, "hello\x07world") == ["hello world"]


# Posts oldest first; results come newest first. One database per table, not per row:
# building a migrated database on a server costs about a second.
CHINESE_POSTS = ("你好世界", "hello 你好", "世界和平")
CHINESE = [
    ("你好", ["hello 你好", "你好世界"]),
    ("世界", ["世界和平", "你好世界"]),
    ("好", ["hello 你好", "你好世界"]),
    ("你好世", ["你好世界"]),
    ("世界和平", ["世界和平"]),
    ("和平 世界", ["世界和平"]),
    ("你好 hello", ["hello 你好"]),
    ("再见", []),
]

OPERATOR_POSTS = ("plain text", 'say "hi" NOT now', "a*b (c) ^d: e", "100% sure")
OPERATORS = [
    ('"hi"', ['say "hi" NOT now']),
    ("NOT", ['say "hi" NOT now']),
    ("plain OR text", []),
    ("plain AND text", []),
    ("a*b", ["a*b (c) ^d: e"]),
    ("*", ["a*b (c) ^d: e"]),
    ("(c)", ["a*b (c) ^d: e"]),
    ("^d:", ["a*b (c) ^d: e"]),
    ("body:plain", []),
    ("NEAR(plain text)", []),
    ('"', ['say "hi" NOT now']),
    ('"""', []),
    ("'", []),
    ("%", ["100% sure"]),
    ("_", []),
    ("/", []),
    ("\\", []),
    ("-plain", []),
    ("plain*", []),
]


def test_chinese_short_and_long_terms(client, logged_in, write_posts):
    write_posts(*CHINESE_POSTS)
    results = {query: found(client, query) for query, _ in CHINESE}
    assert results == dict(CHINESE)


def test_operators_and_quotes_are_searched_literally(client, logged_in, write_posts):
    write_posts(*OPERATOR_POSTS)
    results = {query: found(client, query) for query, _ in OPERATORS}
    assert results == dict(OPERATORS)


def test_pages_of_results(client, logged_in, write_posts):
    # POSTS_PER_PAGE is 3 in these tests.
    write_posts(*(f"match {n}" for n in range(7)), "other")
    first = client.get("/search", query_string={"q": "match"})
    assert 'rel="next" href="/search?page=2&amp;q=match"' in first.text
    assert [html.unescape(b) for b in POST_BODY.findall(first.text)] == [
        "match 6",
        "match 5",
        "match 4",
    ]
    assert found(client, "match", page=2) == ["match 3", "match 2", "match 1"]
    last = client.get("/search", query_string={"q": "match", "page": 3})
    assert POST_BODY.findall(last.text) == ["match 0"]
    assert 'rel="next" href="#"' in last.text
    assert client.get("/search", query_string={"q": "match", "page": 0}).status_code == 404
