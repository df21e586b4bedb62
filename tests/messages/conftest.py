import pytest


@pytest.fixture
def app(make_app):
    # Three messages a page, so pagination shows with a handful; no Redis: tasks in a thread.
    return make_app(POSTS_PER_PAGE=3, REDIS_URL=None)
