import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification, User


@pytest.fixture
def notifications(app, make_user, auth):
    """susan has notifications at t=100 and t=200; john has one at t=150."""
    make_user("susan")
    make_user("john")
    with app.app_context():
        susan, john = db.session.scalars(select(User).order_by(User.username.desc())).all()
        db.session.add_all(
            [
                Notification(name="a", user_id=susan.id, timestamp=100.0, payload_json="1"),
                Notification(name="b", user_id=susan.id, timestamp=200.0, payload_json='{"x": 2}'),
                Notification(name="c", user_id=john.id, timestamp=150.0, payload_json="3"),
            ]
        )
        db.session.commit()
    auth.login("susan")


def names(response):
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return [n["name"] for n in response.json]


def test_notifications_since_a_time(client, notifications):
    response = client.get("/notifications?since=150")
    assert response.json == [{"name": "b", "data": {"x": 2}, "timestamp": 200.0}]
    assert names(client.get("/notifications?since=99.5")) == ["a", "b"]
    assert names(client.get("/notifications?since=200")) == []


@pytest.mark.parametrize("since", ["", "abc", "0x10", "-5", "1e2x"])
def test_absent_or_invalid_since_means_everything(client, notifications, since):
    assert names(client.get(f"/notifications?since={since}")) == ["a", "b"]


def test_no_since_means_everything(client, notifications):
    assert names(client.get("/notifications")) == ["a", "b"]


def test_a_huge_finite_since_means_nothing_yet(client, notifications):
    assert names(client.get("/notifications?since=1e300")) == []


@pytest.mark.parametrize("since", ["nan", "inf", "-inf", "1e999", "Infinity"])
def test_non_finite_since_is_a_json_error(client, notifications, since):
    response = client.get(f"/notifications?since={since}")
    assert response.status_code == 400
    assert response.json == {"error": "since must be a finite number of seconds."}


def test_notifications_need_a_login(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_sending_a_message_replaces_the_unread_count(client, auth, make_user):
    make_user("susan")
    make_user("john")
    auth.login("susan")
    client.post("/send_message/john", data={"message": "one"})
    client.post("/send_message/john", data={"message": "two"})
    auth.logout()
    auth.login("john")
    found = client.get("/notifications").json
    assert [(n["name"], n["data"]) for n in found] == [("unread_message_count", 2)]
