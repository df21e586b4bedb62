"""Who may fetch which feed, and the headers that let readers fetch it only when it changed."""

from datetime import UTC, datetime

import pytest

from tests.feeds.conftest import T0

PATHS = [
    "/user/susan/feed.atom",
    "/user/susan/feed.json",
    "/explore/feed.atom",
    "/explore/feed.json",
]


@pytest.mark.parametrize("path", PATHS)
def test_feeds_are_public_like_the_front_page(client, write_posts, path):
    write_posts("susan", "hello")
    response = client.get(path)  # no login: feed readers have none
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


def test_a_signed_in_reader_gets_the_same_feed(client, auth, make_user, write_posts):
    write_posts("susan", "hello")
    visitor = client.get("/user/susan/feed.atom").data
    make_user("john")
    auth.login("john")
    assert client.get("/user/susan/feed.atom").data == visitor


@pytest.mark.parametrize(
    "path", ["/user/nobody/feed.atom", "/user/nobody/feed.json", "/user/susan/feed.rss"]
)
def test_unknown_users_and_formats_are_404(client, make_user, path):
    make_user("susan")
    assert client.get(path).status_code == 404


def test_a_username_in_any_case_gives_the_feed_under_its_own(client, write_posts):
    write_posts("susan", "hello")
    response = client.get("/user/SUSAN/feed.json")
    assert response.status_code == 200
    assert response.json["feed_url"] == "http://localhost/user/susan/feed.json"


@pytest.mark.parametrize("path", PATHS)
def test_a_private_site_has_no_feeds(make_app, path):
    app = make_app(PUBLIC_TIMELINE=False)
    from tests.feeds.conftest import write

    write(app, "susan", "only for members")
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert b"only for members" not in response.data


def test_urls_are_on_the_canonical_origin_whatever_the_host_asked(make_app):
    app = make_app(SERVER_NAME="microblog.example", PREFERRED_URL_SCHEME="https")
    from tests.feeds.conftest import write

    write(app, "susan", "hello")
    response = app.test_client().get("http://microblog.example/user/susan/feed.json")
    document = response.json
    assert document["feed_url"] == "https://microblog.example/user/susan/feed.json"
    assert document["items"][0]["id"].startswith("https://microblog.example/post/")
    assert document["items"][0]["authors"][0]["url"] == "https://microblog.example/user/susan"


@pytest.mark.parametrize("kind", ["atom", "json"])
def test_an_unchanged_feed_is_a_304(client, write_posts, kind):
    write_posts("susan", "first", "second")
    path = f"/user/susan/feed.{kind}"
    first = client.get(path)
    assert first.headers["ETag"]
    # The newest post's time, to the second.
    assert first.last_modified == datetime(2026, 3, 1, 9, 31, tzinfo=UTC)
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    older = "Sun, 01 Mar 2026 09:30:59 GMT"
    assert client.get(path, headers={"If-Modified-Since": older}).status_code == 200


def test_a_new_post_changes_the_etag(client, write_posts):
    write_posts("susan", "first")
    etag = client.get("/user/susan/feed.atom").headers["ETag"]
    write_posts("susan", "second", start=T0.replace(hour=10))
    response = client.get("/user/susan/feed.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_the_etag_differs_per_language(client, write_posts):
    write_posts("susan", "hello")
    english = client.get("/explore/feed.atom").headers["ETag"]
    chinese = client.get("/explore/feed.atom", headers={"Accept-Language": "zh-CN"})
    assert chinese.headers["ETag"] != english
    refetch = client.get(
        "/explore/feed.atom", headers={"Accept-Language": "zh-CN", "If-None-Match": english}
    )
    assert refetch.status_code == 200


def test_an_empty_feed_has_a_fixed_date(client, make_user):
    make_user("susan")
    response = client.get("/user/susan/feed.atom")
    assert b"<updated>1970-01-01T00:00:00Z</updated>" in response.data
    assert client.get("/user/susan/feed.atom").headers["ETag"] == response.headers["ETag"]


def test_urls_keep_the_sites_path_under_a_prefix(make_app):
    app = make_app(SERVER_NAME="microblog.example", APPLICATION_ROOT="/blog")
    from tests.feeds.conftest import write

    write(app, "susan", "hello")
    client = app.test_client()
    document = client.get("/user/susan/feed.json", base_url="http://microblog.example/blog").json
    assert document["feed_url"] == "http://microblog.example/blog/user/susan/feed.json"
    assert document["items"][0]["id"].startswith("http://microblog.example/blog/post/")
