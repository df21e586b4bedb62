"""JSON bodies that break Python's parser are a 400 everywhere, never a 500."""

import pytest

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("path", ["/api/posts", "/api/users", "/translate"])
def test_deeply_nested_json_is_a_bad_request(client, auth, make_user, path):
    make_user()
    auth.login()
    response = client.post(path, data=DEEP, content_type="application/json")
    assert 400 <= response.status_code < 500
