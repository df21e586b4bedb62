"""The moderation pages: block and mute buttons, the blocked list, reports, and the admins'
queue, actions and log (403 for anyone else); a suspended account cannot sign in any way."""

import pytest

from app.extensions import db
from app.models import ModerationLog, Post, Report, User
from app.models.moderation import HIDDEN
from tests.conftest import PASSWORD


@pytest.fixture
def people(app, make_user):
    users = {name: make_user(name) for name in ("susan", "john", "boss")}
    with app.app_context():
        db.session.get(User, users["boss"].id).is_admin = True
        post = Post.write(db.session.get(User, users["john"].id), "buy cheap watches")
        db.session.commit()
        users["post_id"] = post.id
    return users


def get(app, model, key):
    with app.app_context():
        return db.session.get(model, key)


def test_block_and_mute_buttons_and_the_blocked_page(app, client, auth, people):
    auth.login("susan")
    client.post("/follow/john")
    response = client.post("/user/john/block", follow_redirects=True)
    assert "You blocked john" in response.text and "Unblock" in response.text
    assert "Their posts are not shown." in response.text
    assert "buy cheap watches" not in response.text
    assert "buy cheap watches" not in client.get("/explore").text
    page = client.get("/blocked").text
    assert "john" in page and "Blocked" in page
    # A blocked user cannot follow or message the blocker.
    auth.logout()
    auth.login("john")
    assert "You cannot follow susan" in client.post("/follow/susan", follow_redirects=True).text
    response = client.get("/send_message/susan", follow_redirects=True)
    assert "You cannot send messages to susan" in response.text
    auth.logout()
    auth.login("susan")
    client.post("/user/john/unblock")
    client.post("/user/john/mute")
    assert "buy cheap watches" not in client.get("/explore").text
    assert "buy cheap watches" in client.get("/user/john").text  # the profile still lists them
    assert "Muted" in client.get("/blocked").text
    client.post("/user/john/unmute")
    assert "buy cheap watches" in client.get("/explore").text
    assert "You block and mute no one." in client.get("/blocked").text


@pytest.mark.parametrize(
    "path",
    [
        "/user/john/block",
        "/user/john/mute",
        "/admin/users/john/suspend",
        "/admin/posts/1/hide",
        "/admin/reports/1/dismiss",
    ],  # fmt: skip
)
def test_buttons_need_the_csrf_token(make_app, path):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        for name in ("john", "boss"):
            user = User(username=name, email=f"{name}@example.com", is_admin=name == "boss")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        db.session.add(Post(body="x", user_id=1))
        db.session.commit()
    client = app.test_client()
    page = client.get("/auth/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/auth/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
    assert client.post(path).status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(ModerationLog)) is None


def test_unknown_users_are_404(client, auth, people):
    auth.login("susan")
    assert client.post("/user/nobody/block").status_code == 404
    assert client.get("/report/user/nobody").status_code == 404
    assert client.get("/report/post/999").status_code == 404


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/admin/reports"),
        ("get", "/admin/log"),
        ("post", "/admin/users/john/suspend"),
        ("post", "/admin/posts/1/hide"),
        ("post", "/admin/reports/1/dismiss"),
    ],  # fmt: skip
)
def test_admin_pages_are_403_for_others(client, auth, people, method, path):
    assert getattr(client, method)(path).status_code == 302  # visitors: to the login
    auth.login("susan")
    assert getattr(client, method)(path).status_code == 403


def test_report_a_post_then_an_admin_hides_it(app, client, auth, people):
    auth.login("susan")
    post_id = people["post_id"]
    assert "buy cheap watches" in client.get(f"/report/post/{post_id}").text
    response = client.post(
        f"/report/post/{post_id}", data={"reason": "spam", "details": "ads"}, follow_redirects=True
    )
    assert "the admins will look at your report" in response.text
    assert client.post(f"/report/post/{post_id}", data={"reason": "nope"}).status_code == 200
    auth.logout()
    auth.login("boss")
    queue = client.get("/admin/reports").text
    assert "buy cheap watches" in queue and "Spam" in queue and "ads" in queue
    response = client.post(
        f"/admin/posts/{post_id}/hide", data={"reason": "spam"}, follow_redirects=True
    )
    assert "The post is hidden." in response.text and "No open reports." in response.text
    assert get(app, Post, post_id).hidden == HIDDEN
    # The admin and the author still see it, marked; others do not.
    assert "Hidden by a moderator" in client.get("/explore").text
    assert "hide_post" not in client.get("/admin/log").text
    assert "Hid a post" in client.get("/admin/log").text
    auth.logout()
    auth.login("susan")
    assert "buy cheap watches" not in client.get("/explore").text
    auth.logout()
    auth.login("john")
    assert "Hidden by a moderator" in client.get("/user/john").text
    auth.logout()
    auth.login("boss")
    client.post(f"/admin/posts/{post_id}/unhide", data={"reason": ""})
    assert get(app, Post, post_id).hidden == 0


def test_report_a_user_and_dismiss(app, client, auth, people):
    auth.login("susan")
    client.post("/report/user/john", data={"reason": "abuse", "details": "rude"})
    auth.logout()
    auth.login("boss")
    with app.app_context():
        report_id = db.session.scalar(db.select(Report.id))
    response = client.post(f"/admin/reports/{report_id}/dismiss", follow_redirects=True)
    assert "Report dismissed." in response.text
    assert get(app, Report, report_id).resolved_at is not None
    assert client.post("/admin/reports/999/dismiss").status_code == 404


def test_reports_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="2 per hour")
    with app.app_context():
        for name in ("susan", "john"):
            user = User(username=name, email=f"{name}@example.com")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    codes = [
        client.post("/report/user/john", data={"reason": "spam"}).status_code for _ in range(3)
    ]
    assert codes == [302, 302, 429]


def test_a_suspended_account_cannot_sign_in_any_way(app, client, auth, people):
    john_client = app.test_client()
    john_client.post("/auth/login", data={"username": "john", "password": PASSWORD})
    token = john_client.post("/api/tokens", auth=("john", PASSWORD)).json["token"]
    assert john_client.get("/index").status_code == 200
    auth.login("boss")
    response = client.post(
        "/admin/users/john/suspend", data={"reason": "spam"}, follow_redirects=True
    )
    assert "john is suspended." in response.text and "This account is suspended." in response.text
    # The session ended; the password, the API token and HTTP Basic are refused.
    assert john_client.get("/index").status_code == 302
    response = john_client.post("/auth/login", data={"username": "john", "password": PASSWORD})
    assert "This account is suspended." in response.text
    assert john_client.get("/index").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert john_client.get("/api/users/1", headers=headers).status_code == 401
    assert john_client.post("/api/tokens", auth=("john", PASSWORD)).status_code == 401
    auth.logout()
    auth.login("susan")
    assert "buy cheap watches" not in client.get("/explore").text
    auth.logout()
    auth.login("boss")
    client.post("/admin/users/john/unsuspend")
    response = john_client.post("/auth/login", data={"username": "john", "password": PASSWORD})
    assert response.status_code == 302
    actions = [entry.action for entry in app_log(app)]
    assert actions == ["unsuspend", "suspend"]


def app_log(app):
    with app.app_context():
        return db.session.scalars(ModerationLog.newest_first()).all()


@pytest.mark.parametrize("path", ["/admin/reports", "/admin/log", "/blocked"])
def test_query_count_does_not_grow_with_page_size(make_app, count_queries, path):
    def queries(per_page):
        app = make_app(POSTS_PER_PAGE=per_page)
        with app.app_context():
            boss = User(username="boss", email="boss@example.com", is_admin=True)
            boss.set_password(PASSWORD)
            db.session.add(boss)
            for n in range(30):
                other = User(username=f"u{n}", email=f"u{n}@example.com")
                db.session.add(other)
                db.session.flush()
                post = Post.write(other, f"post {n}")
                db.session.flush()
                Report.file(boss, other, post if n % 2 else None, "spam", "x")
                boss.mute(other) if n % 2 else boss.block(other)
                boss.dismiss_report(Report.file(boss, other, None, "spam", "y"))
            db.session.commit()
        client = app.test_client()
        client.post("/auth/login", data={"username": "boss", "password": PASSWORD})
        client.get(path)
        with count_queries(app) as counter:
            assert client.get(path).status_code == 200
        return counter.count

    assert queries(5) == queries(25)
