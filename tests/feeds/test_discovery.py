"""Each page links its own feeds in its <head>, for browsers and feed readers to find
(autodiscovery): outside the head's parts the speed-ups keep (app/speedups/fragments.py)."""

import re

import pytest

from tests.conftest import add_user
from tests.feeds.conftest import write

ALTERNATE = re.compile(r'<link rel="alternate" type="([^"]+)" title="([^"]*)" href="([^"]+)">')


def feed_links(page: str) -> list[tuple[str, str, str]]:
    head = page.split("</head>")[0]
    return ALTERNATE.findall(head)


def links_to(title: str, path: str) -> list[tuple[str, str, str]]:
    return [
        ("application/atom+xml", title, f"{path}.atom"),
        ("application/feed+json", title, f"{path}.json"),
    ]


@pytest.fixture(params=[True, False], ids=["speedups", "plain"])
def site(request, make_app):
    """A public site, with and without the speed-ups, where susan and john wrote a post."""
    app = make_app(SPEEDUPS=request.param)
    add_user(app, "susan")
    write(app, "susan", "hello from susan")
    write(app, "john", "hello from john")
    return app


def test_each_page_links_its_own_feeds(site):
    client = site.test_client()
    explore = links_to("Newest posts on Microblog", "/explore/feed")
    assert feed_links(client.get("/").text) == explore
    client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    # Each page twice, in turns: the second time the head's kept parts are reused.
    for _ in range(2):
        assert feed_links(client.get("/user/susan").text) == links_to(
            "Posts by susan", "/user/susan/feed"
        )
        assert feed_links(client.get("/user/john").text) == links_to(
            "Posts by john", "/user/john/feed"
        )
        assert feed_links(client.get("/explore").text) == explore
        assert feed_links(client.get("/index").text) == []  # one's home is nobody else's


def test_the_links_are_in_the_readers_language(site):
    client = site.test_client()
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).text
    assert feed_links(page)[0][1] == "Microblog 上的最新帖子"


def test_every_linked_feed_is_there(site):
    client = site.test_client()
    client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    links = feed_links(client.get("/user/john").text) + feed_links(client.get("/explore").text)
    client.post("/auth/logout")
    for content_type, _title, href in links:
        response = client.get(href)
        assert response.status_code == 200
        assert response.content_type.split(";")[0] == content_type


def test_a_private_site_links_no_feeds(make_app):
    app = make_app(PUBLIC_TIMELINE=False)
    add_user(app, "susan")
    client = app.test_client()
    assert feed_links(client.get("/").text) == []
    client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    assert feed_links(client.get("/user/susan").text) == []
    assert feed_links(client.get("/explore").text) == []
