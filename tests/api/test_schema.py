"""Property-based tests: whatever schemathesis sends, the API answers as its OpenAPI says."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.openapi import DOCUMENT
from app.extensions import db
from app.models import Post, User
from tests.api.conftest import basic, bearer
from tests.conftest import PASSWORD

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# The document the app serves at /api/openapi.json (test_openapi.py checks they are the same).
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture
def seeded_app(make_app):
    """The app with two users, one following the other, and a few posts (one boosted)."""
    app = make_app()
    with app.app_context():
        susan = User(username="susan", email="susan@example.com")
        john = User(username="john", email="john@example.com")
        for user in (susan, john):
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.flush()
        susan.follow(john)
        db.session.add_all(Post(body=f"post {n}", author=john) for n in range(3))
        # A tag, a notification to list, and a boost in susan's timeline.
        john.boost(Post.write(john, "hello @susan #flask"))
        db.session.commit()
    return app


def new_token(app) -> str:
    # From the model: an earlier case may have changed susan's username and email address.
    with app.app_context():
        susan = db.session.get(User, 1)
        token = susan.get_token()
        db.session.commit()
    return token


@schema.parametrize()
@settings(
    max_examples=15,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_description(case, seeded_app):
    if case.method == "POST" and case.path == "/api/tokens":
        headers = basic("susan@example.com")
    else:
        # A fresh token each time: DELETE /api/tokens revokes the one it is sent with.
        headers = bearer(new_token(seeded_app))
    case.call_and_validate(headers=headers, checks=CHECKS, app=seeded_app)
