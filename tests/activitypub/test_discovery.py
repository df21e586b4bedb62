"""WebFinger, host-meta and NodeInfo: how other servers find our users and this server."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from app.extensions import db
from app.models import User
from tests.activitypub.conftest import remember_bob

XRD = "{http://docs.oasis-open.org/ns/xri/xrd-1.0}"


@pytest.mark.parametrize(
    "resource",
    ["acct:susan@localhost", "acct:Susan@LOCALHOST", "susan@localhost", "@susan@localhost",
     "http://localhost/users/susan", "http://localhost/user/susan"],
)  # fmt: skip
def test_webfinger_finds_a_user(client, make_user, resource):
    make_user("susan")
    response = client.get("/.well-known/webfinger", query_string={"resource": resource})
    assert response.status_code == 200
    assert response.content_type == "application/jrd+json; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    jrd = response.get_json()
    assert jrd["subject"] == "acct:susan@localhost"
    links = {link["rel"]: link for link in jrd["links"]}
    assert links["self"] == {
        "rel": "self",
        "type": "application/activity+json",
        "href": "http://localhost/users/susan",
    }
    assert links["http://webfinger.net/rel/profile-page"]["href"] == "http://localhost/user/susan"
    assert "http://localhost/users/susan" in jrd["aliases"]


@pytest.mark.parametrize(
    "resource",
    ["acct:nobody@localhost", "acct:susan@elsewhere.example", "https://elsewhere.example/users/susan",
     "http://localhost/post/1", "http://localhost/users/susan/outbox"],
)  # fmt: skip
def test_webfinger_knows_no_one_else(app, client, make_user, resource):
    make_user("susan")
    with app.app_context():
        remember_bob()
        db.session.commit()
    response = client.get("/.well-known/webfinger", query_string={"resource": resource})
    assert response.status_code == 404


def test_webfinger_does_not_answer_for_accounts_of_other_servers(app, client):
    with app.app_context():
        remember_bob()
        db.session.commit()
    response = client.get("/.well-known/webfinger?resource=acct:bob@remote.example")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query", ["", "?resource=", "?resource=acct:", "?resource=acct:susan", "?resource=@localhost",
              "?resource=acct:susan@", "?resource=acct:su%20san@localhost", "?other=1",
              "?resource=acct:bob@remote.example@localhost"],
)  # fmt: skip
def test_webfinger_refuses_a_bad_resource(client, make_user, query):
    make_user("susan")
    assert client.get(f"/.well-known/webfinger{query}").status_code == 400


def test_webfinger_says_a_suspended_user_is_gone(app, client, make_user):
    make_user("admin", is_admin=True)
    make_user("banned")
    with app.app_context():
        admin = db.session.scalar(User.by_username("admin"))
        admin.suspend(db.session.scalar(User.by_username("banned")))
        db.session.commit()
    assert client.get("/.well-known/webfinger?resource=acct:banned@localhost").status_code == 410


def test_host_meta_points_at_webfinger(client):
    response = client.get("/.well-known/host-meta")
    assert response.status_code == 200
    assert response.content_type == "application/xrd+xml; charset=utf-8"
    (link,) = ET.fromstring(response.data).iter(f"{XRD}Link")
    assert link.get("rel") == "lrdd"
    assert link.get("template") == "http://localhost/.well-known/webfinger?resource={uri}"


def test_nodeinfo(app, client, make_user, write_posts):
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    make_user("susan")
    make_user("sleeper", last_seen=long_ago)
    make_user("admin", is_admin=True)
    make_user("banned")
    write_posts("susan", "one", "two")
    with app.app_context():
        remember_bob()
        admin = db.session.scalar(User.by_username("admin"))
        admin.suspend(db.session.scalar(User.by_username("banned")))
        db.session.commit()
    index = client.get("/.well-known/nodeinfo").get_json()
    assert index == {
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "href": "http://localhost/nodeinfo/2.1",
            }
        ]
    }
    response = client.get("/nodeinfo/2.1")
    assert response.content_type == (
        'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"'
    )
    info = response.get_json()
    assert info["version"] == "2.1"
    assert info["software"]["name"] == "microblog"
    assert info["software"]["version"]
    assert info["protocols"] == ["activitypub"]
    assert info["openRegistrations"] is True
    # Local accounts only, the suspended left out; the sleeper is no active user.
    assert info["usage"] == {
        "users": {"total": 3, "activeMonth": 2, "activeHalfyear": 2},
        "localPosts": 2,
    }
