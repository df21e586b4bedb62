"""A page of the API costs the same number of SQL statements, however many items it holds."""

import pytest
from sqlalchemy import event, insert, select

from app.extensions import db
from app.models import Post, User, followers
from tests.api.conftest import basic, bearer

COLLECTIONS = [
    "/api/users",
    "/api/users/{id}/followers",
    "/api/users/{id}/following",
    "/api/users/{id}/posts",
    "/api/posts",
    "/api/timeline",
    "/api/tags/crowd/posts",
    "/api/posts/{post}/likes",
    "/api/posts/{post}/replies",
    "/api/alerts",
]
CROWD = 60


@pytest.fixture
def crowded_app(app_on_each_database):
    """susan, with CROWD users who each follow her, are followed by her, answered her post
    "liked" with a post tagged #crowd that mentions her, and liked it."""
    app = app_on_each_database
    with app.app_context():
        susan = User(username="susan", email="susan@example.com")
        susan.set_password("correct horse")
        crowd = [User(username=f"user{n}", email=f"user{n}@example.com") for n in range(CROWD)]
        db.session.add_all([susan, *crowd])
        db.session.flush()
        pairs = [(susan.id, user.id) for user in crowd] + [(user.id, susan.id) for user in crowd]
        db.session.execute(
            insert(followers), [{"follower_id": a, "followed_id": b} for a, b in pairs]
        )
        db.session.add_all(Post(body=f"post {n}", author=susan) for n in range(CROWD))
        # Each answers her post, tags the crowd's tag, mentions her (an alert) and likes it.
        liked = Post.write(susan, "liked")
        for user in crowd:
            Post.write(user, "hello #crowd @susan", in_reply_to=liked)
            user.like(liked)
        db.session.commit()
    return app


@pytest.fixture
def count_statements(crowded_app):
    """count_statements(url, headers): how many SQL statements answering `url` sent."""
    with crowded_app.app_context():
        engine = db.engine
    sent = []

    def record(connection, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    def count(url: str, headers: dict) -> int:
        sent.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = crowded_app.test_client().get(url, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200, response.json
        return len(sent)

    return count


def test_statements_do_not_grow_with_the_page(crowded_app, count_statements):
    client = crowded_app.test_client()
    headers = bearer(client.post("/api/tokens", headers=basic("susan")).json["token"])
    # The first request may record susan's visit, and finds her id.
    susan = client.get("/api/users?per_page=1", headers=headers).json["items"][0]["id"]
    with crowded_app.app_context():
        liked = db.session.scalar(select(Post.id).where(Post.body == "liked"))
    for collection in COLLECTIONS:
        url = collection.format(id=susan, post=liked)
        small = count_statements(f"{url}?per_page=5", headers)
        large = count_statements(f"{url}?per_page=50", headers)
        assert small == large, url
        assert large <= 6, url  # a post page: its posts, then their tags and images
        page = client.get(f"{url}?per_page=50", headers=headers).json
        assert len(page["items"]) == 50
