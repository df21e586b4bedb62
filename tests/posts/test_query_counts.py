"""The post page sends the same small number of queries whatever its page size: no N+1."""

import pytest

from app.extensions import db
from app.models import Post, User

# The signed-in user with the navbar's unread count; the post and its author; its ancestors;
# the reply tree; the page's rows; for the author of an edited post, its earlier texts.
BUDGET = 7


def fill(app) -> int:
    """A chain of 60 posts by ten authors, each answering the one before; under the 41st,
    60 replies three deep. The 41st is susan's, edited twice. Returns its id."""
    with app.app_context():
        users = [User(username=f"user{n}", email=f"u{n}@example.com") for n in range(10)]
        users[0].username = "susan"
        for user in (users[0], users[3]):
            user.set_password("correct horse")
        db.session.add_all(users)
        parent, middle = None, None
        for n in range(60):
            parent = Post.write(
                users[0] if n == 40 else users[n % 10], f"chain {n}", in_reply_to=parent
            )
            db.session.flush()
            if n == 40:
                middle = parent
        replies = [middle]
        for n in range(60):
            reply = Post.write(users[n % 10], f"reply {n}", in_reply_to=replies[n // 3])
            db.session.flush()
            replies.append(reply)
        middle.edit("edited once")
        middle.edit("edited twice")
        db.session.commit()
        return middle.id


@pytest.mark.speedups
@pytest.mark.parametrize("reader", ["susan", "user3"])
def test_post_page_query_count_does_not_grow_with_page_size(make_app, count_queries, reader):
    counts = []
    for per_page in (5, 25):
        app = make_app(POSTS_PER_PAGE=per_page)
        post = fill(app)
        client = app.test_client()
        client.post("/auth/login", data={"username": reader, "password": "correct horse"})
        client.get(f"/post/{post}")  # the first visit may record last_seen
        with count_queries(app) as counter:
            response = client.get(f"/post/{post}?page=2")
        assert response.status_code == 200
        # per_page ancestors, the post, per_page replies.
        assert response.text.count('class="post-body') == 2 * per_page + 1
        assert ("edited once" in response.text) == (reader == "susan")
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert counts[1] <= BUDGET, counts
