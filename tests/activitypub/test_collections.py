"""A user's outbox, followers and following: counts, pages and their links, and a page's
queries, which do not grow with its size."""

import pytest

from app.extensions import db
from app.models import User
from tests.activitypub.conftest import AP, remember_bob, write


def get_json(client, path: str) -> dict:
    response = client.get(path, headers=AP)
    assert response.status_code == 200, path
    return response.get_json()


def local(url: str) -> str:
    return url.removeprefix("http://localhost")


def test_the_outbox_counts_and_points_at_its_first_page(client, write_posts):
    write_posts("susan", *(f"post {n}" for n in range(3)))
    outbox = get_json(client, "/users/susan/outbox")
    assert outbox["type"] == "OrderedCollection"
    assert outbox["id"] == "http://localhost/users/susan/outbox"
    assert outbox["totalItems"] == 3
    assert outbox["first"] == "http://localhost/users/susan/outbox?page=true"
    assert "orderedItems" not in outbox


def test_the_outbox_pages_walk_every_post_once_newest_first(make_app, count_queries):
    app = make_app(ACTIVITYPUB_ALLOW_HTTP=True, ACTIVITYPUB_PAGE_SIZE=3)
    ids = write(app, "susan", *(f"post {n}" for n in range(8)))
    write(app, "john", "not susan's")
    client = app.test_client()
    seen, url, pages = [], "/users/susan/outbox?page=true", 0
    while url:
        page = get_json(client, url)
        assert page["type"] == "OrderedCollectionPage"
        assert page["partOf"] == "http://localhost/users/susan/outbox"
        assert len(page["orderedItems"]) <= 3
        seen += [item["object"]["id"] for item in page["orderedItems"]]
        assert all(item["type"] == "Create" for item in page["orderedItems"])
        url, pages = local(page.get("next", "")), pages + 1
    assert seen == [f"http://localhost/post/{id}" for id in reversed(ids)]
    assert pages == 3


def test_an_outbox_page_links_newer_posts(make_app):
    app = make_app(ACTIVITYPUB_ALLOW_HTTP=True, ACTIVITYPUB_PAGE_SIZE=3)
    ids = write(app, "susan", *(f"post {n}" for n in range(8)))
    client = app.test_client()
    older = get_json(client, f"/users/susan/outbox?page=true&max_id={ids[4]}")
    assert [item["object"]["id"] for item in older["orderedItems"]] == [
        f"http://localhost/post/{id}" for id in (ids[3], ids[2], ids[1])
    ]
    assert older["next"] == f"http://localhost/users/susan/outbox?page=true&max_id={ids[1]}"
    newer = get_json(client, local(older["prev"]))
    assert [item["object"]["id"] for item in newer["orderedItems"]] == [
        f"http://localhost/post/{id}" for id in (ids[6], ids[5], ids[4])
    ]
    newest = get_json(client, local(newer["prev"]))
    assert [item["object"]["id"] for item in newest["orderedItems"]] == [
        f"http://localhost/post/{ids[7]}"
    ]
    # Nothing newer yet: an empty page, which a client polls later.
    assert get_json(client, local(newest["prev"]))["orderedItems"] == []


def test_an_empty_outbox(client, make_user):
    make_user("susan")
    assert get_json(client, "/users/susan/outbox")["totalItems"] == 0
    page = get_json(client, "/users/susan/outbox?page=true")
    assert page["orderedItems"] == [] and "next" not in page and "prev" not in page


@pytest.mark.parametrize(
    "query", ["max_id=x", "max_id=-1", "min_id=1.5", f"max_id={2**40}", "max_id="]
)
def test_a_bad_cursor_is_refused(client, make_user, query):
    make_user("susan")
    assert client.get(f"/users/susan/outbox?page=true&{query}", headers=AP).status_code == 400


@pytest.mark.parametrize("query", ["page=0", "page=x", "page=-2", "page="])
def test_a_bad_page_number_is_refused(client, make_user, query):
    make_user("susan")
    assert client.get(f"/users/susan/followers?{query}", headers=AP).status_code == 400


def follow_all(app, followed: str, names: list[str]) -> None:
    with app.app_context():
        target = db.session.scalar(User.by_username(followed))
        for name in names:
            user = User(username=name, email=f"{name}@example.com")
            db.session.add(user)
            user.follow(target)
        bob = remember_bob()
        bob.follow(target)
        target.follow(bob)
        db.session.commit()


def test_followers_and_following(make_app):
    app = make_app(ACTIVITYPUB_ALLOW_HTTP=True, ACTIVITYPUB_PAGE_SIZE=2)
    write(app, "susan")
    follow_all(app, "susan", ["ann", "cat", "dan"])
    client = app.test_client()
    followers = get_json(client, "/users/susan/followers")
    assert followers["type"] == "OrderedCollection"
    assert followers["totalItems"] == 4
    assert followers["first"] == "http://localhost/users/susan/followers?page=1"
    found, url = [], "/users/susan/followers?page=1"
    while url:
        page = get_json(client, url)
        assert page["partOf"] == "http://localhost/users/susan/followers"
        found += page["orderedItems"]
        url = local(page.get("next", ""))
    # The remote follower by their own actor id; the newest accounts first.
    assert found == [
        "https://remote.example/users/bob",
        "http://localhost/users/dan",
        "http://localhost/users/cat",
        "http://localhost/users/ann",
    ]
    second = get_json(client, "/users/susan/followers?page=2")
    assert second["prev"] == "http://localhost/users/susan/followers?page=1"
    following = get_json(client, "/users/susan/following?page=1")
    assert following["orderedItems"] == ["https://remote.example/users/bob"]
    assert get_json(client, "/users/susan/following")["totalItems"] == 1


def test_featured_is_an_empty_collection(client, make_user):
    make_user("susan")
    featured = get_json(client, "/users/susan/featured")
    assert featured["type"] == "OrderedCollection"
    assert featured["totalItems"] == 0 and featured["orderedItems"] == []


def queries_for_outbox_page(make_app, count_queries, size: int) -> int:
    app = make_app(ACTIVITYPUB_ALLOW_HTTP=True, ACTIVITYPUB_PAGE_SIZE=size)
    write(app, "john", "hi")
    write(app, "susan", *(f"post {n} @john #tag{n % 3}" for n in range(12)))
    client = app.test_client()
    with count_queries(app) as counter:
        page = get_json(client, "/users/susan/outbox?page=true")
    assert len(page["orderedItems"]) == size
    assert all(item["object"]["tag"] for item in page["orderedItems"])
    return counter.count


def test_an_outbox_page_sends_the_same_queries_whatever_its_size(make_app, count_queries):
    assert queries_for_outbox_page(make_app, count_queries, 2) == queries_for_outbox_page(
        make_app, count_queries, 10
    )


def queries_for_followers_page(make_app, count_queries, size: int) -> int:
    app = make_app(ACTIVITYPUB_ALLOW_HTTP=True, ACTIVITYPUB_PAGE_SIZE=size)
    write(app, "susan")
    follow_all(app, "susan", [f"user{n}" for n in range(12)])
    client = app.test_client()
    with count_queries(app) as counter:
        page = get_json(client, "/users/susan/followers?page=1")
    assert len(page["orderedItems"]) == size
    return counter.count


def test_a_followers_page_sends_the_same_queries_whatever_its_size(make_app, count_queries):
    assert queries_for_followers_page(make_app, count_queries, 2) == queries_for_followers_page(
        make_app, count_queries, 10
    )
