"""Mentions: a link to the mentioned user, an alert for them on the notifications page
(/alerts, newest first, in pages), the navbar's count of unseen ones, and marking them seen."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Alert, Notification, Post, User, utcnow
from app.models.alert import UNREAD_ALERT_COUNT as UNREAD


def write(client, body):
    return client.post("/index", data={"post": body}, follow_redirects=True)


def alert_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Alert))


def test_a_mention_links_and_notifies_the_user(app, client, auth, make_user):
    make_user("susan")
    make_user("john")
    auth.login("john")
    page = write(client, "hello @Susan and @nobody, `@susan` in code").text
    assert 'class="mention" href="/user/susan"' in page
    assert "/user/nobody" not in page
    assert alert_count(app) == 1
    auth.logout()

    auth.login("susan")
    home = client.get("/index").text
    assert 'id="alert-count" class="badge text-bg-danger">1<' in home
    alerts = client.get("/alerts").text
    assert "john" in alerts and "mentioned you" in alerts and "hello" in alerts
    assert 'id="mark-alerts-read"' in alerts
    read = client.post("/alerts/read", data={"until": until_now()}, follow_redirects=True)
    assert read.status_code == 200
    assert 'id="alert-count" class="badge text-bg-danger d-none">0<' in read.text
    assert 'id="mark-alerts-read"' not in read.text


def until_now() -> str:
    return utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f%z")


def test_marking_read_answers_json_for_the_script(client, auth, make_user):
    make_user("susan")
    auth.login()
    response = client.post(
        "/alerts/read", data={"until": until_now()}, headers={"Accept": "application/json"}
    )
    assert response.json == {"unread": 0}
    assert client.post("/alerts/read", data={"until": "yesterday"}).status_code == 400
    assert client.get("/alerts/read").status_code == 405


def test_no_alert_for_yourself_nor_twice_in_one_post(app, client, auth, make_user):
    make_user("susan")
    make_user("john")
    auth.login("susan")
    write(client, "note to @susan: tell @john, @JOHN and @john.")
    with app.app_context():
        alerts = db.session.scalars(select(Alert)).all()
        assert [(a.user_id, a.kind) for a in alerts] == [(2, "mention")]


def test_an_edit_notifies_only_the_newly_mentioned(app, make_user):
    make_user("susan")
    make_user("john")
    make_user("mary")
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        post = Post.write(susan, "hi @john")
        db.session.commit()
        before = post.body
        post.set_text("hi @john and @mary")
        post.notify_mentions(before=before)
        db.session.commit()
        told = db.session.scalars(select(Alert.user_id).order_by(Alert.id)).all()
        assert told == [2, 3]


def test_the_page_needs_a_login_and_shows_only_mine(client, auth, make_user):
    assert client.get("/alerts").status_code == 302
    make_user("susan")
    make_user("john")
    make_user("mary")
    auth.login("john")
    write(client, "@mary look")
    auth.logout()
    auth.login("susan")
    assert "look" not in client.get("/alerts").text
    assert "No notifications yet." in client.get("/alerts").text


def test_alerts_go_with_their_post_and_their_users(app, client, auth, make_user):
    make_user("susan")
    make_user("john")
    auth.login("john")
    write(client, "@susan one")
    write(client, "@susan two")
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.body == "@susan one"))
        db.session.delete(post)
        db.session.commit()
    assert alert_count(app) == 1
    with app.app_context():
        db.session.delete(db.session.scalar(User.by_username("john")))
        db.session.commit()
    assert alert_count(app) == 0


def test_the_json_poll_still_answers_at_notifications(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/notifications").is_json


def fill(app, mutes):
    with app.app_context():
        susan = User(username="susan", email="susan@example.com")
        susan.set_password("correct horse")
        others = [User(username=f"author{i:02d}", email=f"a{i}@example.com") for i in range(30)]
        db.session.add_all([susan, *others])
        db.session.flush()
        for author in others:
            Post.write(author, f"hello @susan from {author.username}")
        if mutes:
            susan.mute(others[-1])
        db.session.commit()


def queries_for(make_app, count_queries, per_page, mutes):
    app = make_app(POSTS_PER_PAGE=per_page)
    fill(app, mutes)
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": "correct horse"})
    client.get("/alerts")
    with count_queries(app) as counter:
        response = client.get("/alerts")
    assert response.status_code == 200
    assert response.text.count('class="alert-item') == per_page
    assert ("from author29" in response.text) is not mutes
    return counter.count


# The signed-in user (with the navbar's counts), then the page with its actors and posts;
# muting someone adds a condition to both, not a query.
@pytest.mark.parametrize("mutes", [False, True])
def test_query_count_does_not_grow_with_page_size(make_app, count_queries, mutes):
    small = queries_for(make_app, count_queries, 5, mutes)
    large = queries_for(make_app, count_queries, 25, mutes)
    assert small == large
    assert large <= 2, large


def polled_alert_count(client) -> int | None:
    """The navbar's alert count as the pages' poll of /notifications gets it."""
    found = [n["data"] for n in client.get("/notifications").json if n["name"] == UNREAD]
    assert len(found) <= 1
    return found[0] if found else None


def test_the_navbar_count_comes_with_the_polled_notifications(app, client, auth, make_user):
    make_user("susan")
    make_user("john")
    with app.app_context():
        john = db.session.scalar(User.by_username("john"))
        first = Post.write(john, "hi @susan").id
        Post.write(john, "no mention here")
        db.session.commit()
    auth.login("susan")
    assert polled_alert_count(client) == 1
    with app.app_context():
        second = Post.write(db.session.get(User, 2), "again @susan, and @john").id
        db.session.commit()
    assert polled_alert_count(client) == 2
    # Read on another tab: this one's badge goes to 0 at its next poll.
    client.post("/alerts/read", data={"until": until_now()})
    assert polled_alert_count(client) == 0
    with app.app_context():
        third = Post.write(db.session.get(User, 2), "third @susan")
        db.session.commit()
        assert polled_alert_count(client) == 1
        # The post goes, and its alert with it.
        third.delete()
        db.session.commit()
    assert polled_alert_count(client) == 0
    with app.app_context():
        db.session.get(Post, second).delete()  # read already: nothing to take off
        db.session.get(Post, first).delete()
        db.session.commit()
    assert polled_alert_count(client) == 0


@pytest.mark.parametrize("verb", ["block", "mute"])
def test_no_alert_from_someone_you_block_or_mute(app, make_user, verb):
    make_user("susan")
    make_user("john")
    make_user("mary")
    with app.app_context():
        susan, john, mary = (db.session.get(User, id) for id in (1, 2, 3))
        getattr(susan, verb)(john)
        db.session.commit()
        post = Post.write(john, "hi @susan and @mary")
        db.session.commit()
        post.edit("hello @susan and @mary")  # nor after an edit
        db.session.commit()
        assert db.session.scalars(select(Alert.user_id)).all() == [3]
        getattr(susan, f"un{verb}")(john)
        Post.write(john, "again @susan")
        db.session.commit()
        assert db.session.scalars(select(Alert.user_id).order_by(Alert.id)).all() == [3, 1]


@pytest.mark.parametrize("verb", ["block", "mute"])
def test_alerts_from_before_a_block_or_mute_leave_the_page_and_count(
    app, client, auth, make_user, verb
):
    make_user("susan")
    make_user("john")
    make_user("mary")
    with app.app_context():
        john, mary = (db.session.scalar(User.by_username(name)) for name in ("john", "mary"))
        Post.write(john, "hi @susan from john")
        Post.write(mary, "hi @susan from mary")
        db.session.commit()
    auth.login("susan")
    assert polled_alert_count(client) == 2
    client.post(f"/user/john/{verb}")
    page = client.get("/alerts").text
    assert "from mary" in page and "from john" not in page
    assert 'id="alert-count" class="badge text-bg-danger">1<' in page
    assert polled_alert_count(client) == 1
    client.post(f"/user/john/un{verb}")  # undone: they come back
    assert "from john" in client.get("/alerts").text
    assert polled_alert_count(client) == 2


def test_only_your_own_blocks_leave_alerts_out(app, make_user):
    for name in ("susan", "john", "mary", "zoe"):
        make_user(name)
    with app.app_context():
        susan, john, mary, zoe = (db.session.get(User, id) for id in (1, 2, 3, 4))
        Post.write(john, "hi @susan")
        susan.mute(zoe)
        mary.block(john)
        db.session.commit()
        assert susan.count_unread_alerts() == 1
        assert len(db.session.scalars(Alert.received_by(susan)).all()) == 1
        assert polled(susan) == 1


def polled(user) -> int:
    found = db.session.scalar(Notification.since(user, 0).where(Notification.name == UNREAD))
    return found.get_data()


def test_an_alert_about_a_hidden_post_does_not_show_its_text(app, client, auth, make_user):
    make_user("susan")
    make_user("john")
    make_user("boss", is_admin=True)
    with app.app_context():
        post = Post.write(db.session.get(User, 2), "hi @susan, something against the rules")
        db.session.commit()
        db.session.get(User, 3).hide_post(post)
        db.session.commit()
    auth.login("susan")
    page = client.get("/alerts").text
    assert "mentioned you" in page and "Hidden by a moderator" in page
    assert "against the rules" not in page
