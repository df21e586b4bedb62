"""The feeds as feed readers see them: feedparser reads them, the checks of RFC 4287 and
JSON Feed 1.1 pass, whatever the posts hold (tests/feeds/checks.py)."""

import html
import json

import feedparser
import pytest

from tests.feeds.checks import atom_problems, json_feed_problems, parse_time

FEEDS = ["/user/susan/feed.{kind}", "/explore/feed.{kind}"]
# Text no XML document can hold: C0 controls other than tab, newline and carriage return.
CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")


def atom_feed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert atom_problems(response.data) == []
    # Unsanitised, to compare with what was written; readers sanitise as they like.
    parsed = feedparser.parse(response.data, sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def json_feed(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    assert response.content_type == "application/feed+json"
    document = json.loads(response.data.decode("utf-8"))
    assert json_feed_problems(document) == []
    return document


def test_a_users_feed_lists_their_posts_newest_first(client, write_posts):
    write_posts("susan", "first post", "second post", "third post")
    write_posts("john", "not susan's")
    feed = atom_feed(client, "/user/susan/feed.atom")
    assert feed.feed.title == "Posts by susan"
    assert feed.feed.link == "http://localhost/user/susan"
    assert feed.feed.author == "susan"
    assert [entry.content[0].value for entry in feed.entries] == [
        "<p>third post</p>",
        "<p>second post</p>",
        "<p>first post</p>",
    ]
    newest = feed.entries[0]
    assert newest.id == newest.link
    assert newest.id.startswith("http://localhost/post/")
    assert newest.author_detail == {"name": "susan", "href": "http://localhost/user/susan"}
    assert newest.published == "2026-03-01T09:32:00Z" == newest.updated
    assert newest.title == "third post"


def test_the_json_feed_holds_the_same_entries(client, write_posts):
    write_posts("susan", "first post", "second post")
    atom = atom_feed(client, "/user/susan/feed.atom")
    document = json_feed(client, "/user/susan/feed.json")
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Posts by susan"
    assert document["feed_url"] == "http://localhost/user/susan/feed.json"
    assert document["home_page_url"] == "http://localhost/user/susan"
    assert document["authors"] == [{"name": "susan", "url": "http://localhost/user/susan"}]
    assert [item["id"] for item in document["items"]] == [entry.id for entry in atom.entries]
    item = document["items"][0]
    assert item["content_html"] == "<p>second post</p>"
    assert item["content_text"] == "second post"
    assert item["authors"] == [{"name": "susan", "url": "http://localhost/user/susan"}]
    assert parse_time(item["date_published"]) == parse_time(atom.entries[0].published)


def test_the_public_feed_has_everyones_posts(client, write_posts):
    write_posts("susan", "from susan")
    write_posts("john", "from john", start=parse_time("2026-03-02T00:00:00Z"))
    feed = atom_feed(client, "/explore/feed.atom")
    assert feed.feed.title == "Newest posts on Microblog"
    assert [entry.author for entry in feed.entries] == ["john", "susan"]
    assert [item["content_text"] for item in json_feed(client, "/explore/feed.json")["items"]] == [
        "from john",
        "from susan",
    ]


def test_a_feed_holds_the_newest_feed_posts(make_app):
    from tests.feeds.conftest import write

    app = make_app(FEED_POSTS=3)
    write(app, "susan", *(f"post {n}" for n in range(5)))
    feed = atom_feed(app.test_client(), "/user/susan/feed.atom")
    assert [entry.title for entry in feed.entries] == ["post 4", "post 3", "post 2"]


@pytest.mark.parametrize("path", FEEDS)
def test_a_feed_without_posts_is_still_valid(client, make_user, path):
    make_user("susan")
    feed = atom_feed(client, path.format(kind="atom"))
    assert feed.entries == []
    assert json_feed(client, path.format(kind="json"))["items"] == []


def test_chinese_posts_and_titles(client, write_posts):
    write_posts("susan", "你好，世界！#学习 Flask 很有趣")
    feed = atom_feed(client.application.test_client(), "/user/susan/feed.atom")
    # The post's Markdown HTML, its links absolute: a feed reader has no page to resolve them by.
    tag = (
        '<a class="hashtag" href="http://localhost/tag/%E5%AD%A6%E4%B9%A0"'
        ' rel="nofollow noopener ugc">'
    )
    assert feed.entries[0].content[0].value == f"<p>你好，世界！{tag}#学习</a> Flask 很有趣</p>"
    chinese = {"Accept-Language": "zh-CN,zh;q=0.9"}
    response = client.get("/user/susan/feed.atom", headers=chinese)
    parsed = feedparser.parse(response.data)
    assert parsed.feed.title == "susan 的帖子"
    assert parsed.feed.language == "zh-CN"
    assert parsed.entries[0].title == "你好，世界！#学习 Flask 很有趣"
    document = json.loads(client.get("/user/susan/feed.json", headers=chinese).data)
    assert document["title"] == "susan 的帖子"
    assert document["items"][0]["content_text"] == "你好，世界！#学习 Flask 很有趣"
    assert "你好" in client.get("/user/susan/feed.json").data.decode("utf-8")  # not \u escapes


def test_spanish_titles(client, write_posts):
    write_posts("susan", "hola")
    response = client.get("/explore/feed.atom", headers={"Accept-Language": "es"})
    title = feedparser.parse(response.data).feed.title
    assert title == "Las publicaciones más recientes de Microblog"


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert('x')</script> & </content> ]]> <![CDATA[",
        "a \"quoted\" 'word' &amp; &lt;",
        "see https://example.com/a?b=1&c=<2> now",
    ],
)
def test_xml_special_characters_stay_text(client, write_posts, body):
    write_posts("susan", body)
    entry = atom_feed(client, "/user/susan/feed.atom").entries[0]
    item = json_feed(client, "/user/susan/feed.json")["items"][0]
    assert item["content_text"] == body
    # The HTML is the page's: the post's own markup escaped, its links made links (feedparser
    # writes &#39; as '; the same HTML).
    assert html.unescape(entry.content[0].value) == html.unescape(item["content_html"])
    assert "<script>" not in item["content_html"]
    assert entry.title == body


def test_control_characters_do_not_break_the_feed(client, write_posts):
    write_posts("susan", f"bell{CONTROLS}end\ttab\nnewline", "\ufffe\uffffnon-characters")
    feed = atom_feed(client, "/user/susan/feed.atom")
    # Markdown writes NUL as U+FFFD (CommonMark), which XML may hold; the rest are gone.
    assert feed.entries[1].content[0].value == "<p>bell\ufffdend\ttab<br />\nnewline</p>"
    assert feed.entries[0].content[0].value == "<p>non-characters</p>"
    assert json_feed(client, "/user/susan/feed.json")["items"][1]["content_text"] == (
        "bellend\ttab\nnewline"
    )


def test_a_long_post_gets_a_short_title(client, write_posts):
    write_posts("susan", "word " * 60)
    entry = atom_feed(client, "/user/susan/feed.atom").entries[0]
    assert len(entry.title) == 80 and entry.title.endswith("word…")
    assert entry.content[0].value == f"<p>{'word ' * 59}word</p>"


def test_the_checks_catch_an_invalid_feed():
    broken = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry/></feed>'
    problems = atom_problems(broken)
    assert "the feed has 0 atom:id (exactly one)" in problems
    assert "entry 0 has no author, nor has the feed (\u00a74.1.2)" in problems
    assert any(problem.startswith("RELAX NG: ") for problem in problems)
    # Each way a feed may break is caught by the grammar as well.
    valid = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>http://x/</id><title>x</title>'
        b"<updated>2026-01-01T00:00:00Z</updated><author><name>a</name></author>"
        b'<link rel="self" href="http://x/feed"/>{}</feed>'
    )
    assert atom_problems(valid.replace(b"{}", b"")) == []
    for breaking in [
        b"<updated>2026-01-01T00:00:00Z</updated>",  # twice
        b"<link/>",  # without href
        b"<unknown/>",  # not in the Atom grammar
        b'<entry><id>http://x/1</id><title type="markdown">t</title></entry>',
    ]:
        problems = atom_problems(valid.replace(b"{}", breaking))
        assert any(problem.startswith("RELAX NG: ") for problem in problems), breaking
    assert atom_problems(valid.replace(b"2026-01-01T00:00:00Z", b"2026-01-01"))
    assert json_feed_problems({"version": "https://jsonfeed.org/version/1.1", "items": [{}]})
