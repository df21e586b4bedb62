import re

import pytest

from tests.main.conftest import count_queries  # noqa: F401  (the fixture, for query counts)


@pytest.fixture
def app(make_app):
    # Three messages a page, so pagination shows with a handful; no Redis: tasks in a thread.
    return make_app(POSTS_PER_PAGE=3, REDIS_URL=None)


def mark_read_form(response) -> dict[str, str]:
    """The messages page's "Mark as read" form, as the page's script or its button sends it."""
    form = re.search(
        r'<form id="mark-messages-read" action="/messages/read"(.*?)</form>', response.text, re.S
    )
    assert form, "the page has no mark-as-read form"
    return dict(re.findall(r'name="([^"]+)" type="hidden" value="([^"]*)"', form.group(1)))
