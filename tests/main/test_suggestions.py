"""A new reader's short home page suggests people to follow (app/models/suggestions.py)."""

import re

import pytest

from app.extensions import db
from app.models import Post, User, suggestions
from app.models.suggestions import Reason, suggested_users
from tests.plans import explain_analyze, plan_nodes


def build(app, follows: dict[str, list[str]], posts: dict[str, int]) -> None:
    """Users named in either mapping; who follows whom; how many posts each has written."""
    with app.app_context():
        names = sorted(set(follows) | set(posts) | {n for f in follows.values() for n in f})
        users = {name: User(username=name, email=f"{name}@example.com") for name in names}
        for user in users.values():
            user.set_password("correct horse")
        db.session.add_all(users.values())
        db.session.flush()
        for name, followed in follows.items():
            for other in followed:
                users[name].follow(users[other])
        for name, count in posts.items():
            db.session.add_all(Post(body=f"{name} {n}", author=users[name]) for n in range(count))
        db.session.commit()


def suggestions_for(app, name: str, limit: int = 5) -> list[tuple[str, Reason]]:
    with app.app_context():
        reader = db.session.scalar(User.by_username(name))
        return [(user.username, reason) for user, reason in suggested_users(reader, limit)]


def test_follows_of_follows_first_then_active_posters_never_self_or_followed(app):
    build(
        app,
        follows={"susan": ["ann"], "ann": ["bob", "cat", "susan"], "dan": ["cat"]},
        posts={"susan": 9, "ann": 8, "eve": 5, "bob": 1, "fay": 3},
    )
    found = suggestions_for(app, "susan")
    assert found == [
        ("bob", Reason.FOLLOWED_BY_YOUR_FOLLOWS),
        ("cat", Reason.FOLLOWED_BY_YOUR_FOLLOWS),
        ("eve", Reason.ACTIVE),
        ("fay", Reason.ACTIVE),
    ]
    assert suggestions_for(app, "susan", limit=3)[-1] == ("eve", Reason.ACTIVE)


def test_a_new_reader_is_offered_the_most_active_posters(app):
    build(app, follows={}, posts={"ann": 3, "bob": 5, "new": 0})
    assert suggestions_for(app, "new") == [("bob", Reason.ACTIVE), ("ann", Reason.ACTIVE)]


def test_the_home_page_shows_them_with_a_one_click_follow(app, client, auth):
    build(app, follows={"susan": []}, posts={"ann": 2})
    auth.login("susan")
    page = client.get("/").text
    section = re.search(r'<section class="suggestions.*?</section>', page, re.S)[0]
    assert "People you may want to follow" in section and "Posting a lot lately" in section
    assert 'action="/follow/ann?back=home"' in section
    response = client.post("/follow/ann?back=home")
    assert response.headers["Location"] == "/index"
    with app.app_context():
        susan, ann = (db.session.scalar(User.by_username(n)) for n in ("susan", "ann"))
        assert susan.is_following(ann)
    assert "You are following ann!" in client.get("/index").text
    assert 'class="suggestions' not in client.get("/index").text  # nobody left to suggest


def test_a_follow_without_the_way_back_still_goes_to_the_profile(app, client, auth):
    build(app, follows={"susan": []}, posts={"ann": 1})
    auth.login("susan")
    assert client.post("/follow/ann?back=//evil").headers["Location"] == "/user/ann"


def test_the_follow_button_needs_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    build(app, follows={"susan": []}, posts={"ann": 1})
    client = app.test_client()
    page = client.get("/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    client.post(
        "/auth/login",
        data={"username": "susan", "password": "correct horse", "csrf_token": token},
    )
    client.post("/follow/ann?back=home")  # no token: refused
    with app.app_context():
        susan, ann = (db.session.scalar(User.by_username(n)) for n in ("susan", "ann"))
        assert not susan.is_following(ann)


def test_a_full_home_page_suggests_nobody(make_app):
    app = make_app(POSTS_PER_PAGE=2)
    build(app, follows={"susan": ["ann"]}, posts={"ann": 3, "bob": 4})
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    assert 'class="suggestions' not in client.get("/").text
    assert 'class="suggestions' not in client.get("/index?page=2").text


def test_suggestions_cost_the_same_queries_whatever_the_site_holds(make_app, count_queries):
    counts = []
    for size in (4, 40):
        app = make_app()
        build(
            app,
            follows={"susan": ["f0"], "f0": ["u0", "u1"], **{f"f{n}": ["u0"] for n in range(size)}},
            posts={f"p{n}": n % 3 + 1 for n in range(size)},
        )
        client = app.test_client()
        client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
        client.get("/index")
        with count_queries(app) as counter:
            page = client.get("/index").text
        assert page.count('class="suggestion ') == 5
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_follows_of_follows_are_counted_over_a_bounded_set(app, monkeypatch):
    """However many people the reader's follows follow, at most CANDIDATE_FOLLOWS of those
    follows are read and counted: the page's work does not grow with them."""
    monkeypatch.setattr(suggestions, "CANDIDATE_FOLLOWS", 4)
    build(app, follows={"susan": ["ann"], "ann": [f"u{n:02}" for n in range(30)]}, posts={})
    found = suggestions_for(app, "susan", limit=10)
    followed = [name for name, reason in found if reason is Reason.FOLLOWED_BY_YOUR_FOLLOWS]
    assert len(followed) == 4


def test_suggestions_among_many_users_on_each_database(app_on_each_database, count_queries):
    """Many users, each following many: still the bounded queries, the right people first."""
    app = app_on_each_database
    crowd = [f"u{n:03}" for n in range(150)]
    build(
        app,
        follows={
            "susan": ["f0", "f1", "f2"],
            "f0": ["star", *crowd[:100]],
            "f1": ["star", "second", *crowd[50:]],
            "f2": ["star", "second"],
        },
        posts={"f0": 1},
    )
    with count_queries(app) as counter:
        found = suggestions_for(app, "susan")
    assert found[:2] == [("star", Reason.FOLLOWED_BY_YOUR_FOLLOWS)] + [
        ("second", Reason.FOLLOWED_BY_YOUR_FOLLOWS)
    ]
    assert len(found) == 5
    assert counter.count <= 2


@pytest.mark.postgres
def test_postgresql_reads_no_more_follows_than_the_bound(postgresql_app, monkeypatch):
    monkeypatch.setattr(suggestions, "CANDIDATE_FOLLOWS", 50)
    app = postgresql_app
    crowd = [f"u{m:03}" for m in range(300)]
    build(app, follows={"susan": ["f0", "f1"], "f0": crowd, "f1": crowd}, posts={})
    with app.app_context():
        reader = db.session.scalar(User.by_username("susan"))
        query = suggestions.followed_by_your_follows(reader, 5)
        plan = explain_analyze(lambda: db.session.scalars(query).all())
    scans = [
        node
        for node in plan_nodes(plan[0]["Plan"])
        if node.get("Relation Name") == "followers" and "Scan" in node["Node Type"]
    ]
    assert scans
    for node in scans:
        assert node["Actual Rows"] * node["Actual Loops"] <= 50 + 2, node
