"""@name@host typed in the search box: found with WebFinger, then their profile, whose
Follow button sends the Follow."""

import json
from urllib.parse import urlencode

from app.extensions import db
from app.models import RemoteActor
from tests.conftest import AuthActions
from tests.federation.servers import Reply


def serve_webfinger(bob, links: list | None = None) -> str:
    """bob's WebFinger answer; his handle."""
    host = bob.server.url.removeprefix("http://")
    query = urlencode({"resource": f"acct:bob@{host}"})
    if links is None:
        links = [{"rel": "self", "type": "application/activity+json", "href": bob.actor}]
    body = json.dumps({"subject": f"acct:bob@{host}", "links": links}).encode()
    headers = {"Content-Type": "application/jrd+json"}
    bob.server.routes[f"/.well-known/webfinger?{query}"] = Reply(200, body, headers)
    return f"bob@{host}"


def test_a_handle_leads_to_the_remote_profile(app, client, make_user, bob):
    make_user("susan")
    handle = serve_webfinger(bob)
    AuthActions(client).login("susan")
    response = client.get("/search", query_string={"q": f"@{handle}"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/user/{handle}"
    with app.app_context():
        assert RemoteActor.by_uri(bob.actor).user.username == handle
    page = client.get(f"/user/{handle}")
    assert f'action="/follow/{handle}"' in page.text
    # Known now: no second WebFinger request.
    asked = len(bob.server.received)
    client.get("/search", query_string={"q": handle})
    assert len(bob.server.received) == asked


def test_a_handle_nobody_answers_for_is_said_so(app, client, make_user, bob):
    make_user("susan")
    handle = serve_webfinger(bob, links=[])
    AuthActions(client).login("susan")
    response = client.get("/search", query_string={"q": f"@{handle}"}, follow_redirects=True)
    assert f"No account @{handle} could be found." in response.text
    with app.app_context():
        assert db.session.query(RemoteActor).count() == 0
