"""A feed sends the same few queries whatever its length: no query per post or author."""

import pytest

from tests.feeds.conftest import write

# The explore feed: its posts with their authors. A user's: the user, then the posts.
BUDGET = {"/explore/feed.atom": 1, "/explore/feed.json": 1}
BUDGET |= {"/user/author1/feed.atom": 2, "/user/author1/feed.json": 2}


def queries_for(make_app, count_queries, length: int, path: str) -> int:
    app = make_app(FEED_POSTS=length)
    for n in range(4):
        write(app, f"author{n}", *(f"post {i} by {n}" for i in range(12)))
    client = app.test_client()
    with count_queries(app) as counter:
        response = client.get(path)
    assert response.status_code == 200
    # Each post's text twice: as the entry's title and content, or content_html and _text.
    assert response.data.count(b"post ") == 2 * length
    return counter.count


@pytest.mark.parametrize("path", BUDGET)
def test_query_count_does_not_grow_with_feed_length(make_app, count_queries, path):
    short = queries_for(make_app, count_queries, 2, path)
    long = queries_for(make_app, count_queries, 10, path)
    assert short == long <= BUDGET[path]
