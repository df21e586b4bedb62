"""The sessions page, and how signing in, out and changing the password end sessions."""

from datetime import timedelta

from sqlalchemy import event, select

from app.extensions import db, mail
from app.models import LoginSession, User
from app.models import login_session as records
from tests.account.test_security_log import kinds
from tests.conftest import PASSWORD, add_user

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"
NEW_PASSWORD = "battery staple horse"


def browser(app, user_agent=FIREFOX, remember=False, username="susan", password=PASSWORD):
    """A new browser (its own cookies) signed in as `username`."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    data = {"username": username, "password": password}
    if remember:
        data["remember_me"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get("/explore").status_code == 200


def session_ids(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(LoginSession.id).order_by(LoginSession.created_at)))


def active_ids(app) -> set[str]:
    with app.app_context():
        query = select(LoginSession.id).where(LoginSession.ended_at.is_(None))
        return set(db.session.scalars(query))


def test_login_creates_a_record(app, make_user):
    make_user()
    browser(app)
    with app.app_context():
        (record,) = db.session.scalars(select(LoginSession))
        assert (record.browser, record.os, record.address) == ("Firefox", "Windows", "127.0.0.*")
        assert record.ended_at is None
        assert record.device_hash


def test_the_page_lists_sessions_and_marks_this_one(app, make_user):
    make_user()
    laptop = browser(app)
    browser(app, user_agent="curl/8.0")
    page = laptop.get("/account/sessions/")
    assert page.status_code == 200
    assert "Firefox on Windows" in page.text
    assert "curl" in page.text
    assert page.text.count("This device") == 1
    # An End button for the other one only; this one ends by logging out.
    assert page.text.count('/end"') == 1
    assert 'action="/account/sessions/end-others"' in page.text


def test_the_page_needs_login(client):
    assert client.get("/account/sessions/").headers["Location"].startswith("/auth/login")


def test_settings_lead_to_the_sessions_page(app, make_user):
    make_user()
    assert 'href="/account/sessions/"' in browser(app).get("/account/").text


def test_ending_a_session_kills_its_cookie_and_remember_cookie(app, make_user):
    make_user()
    here = browser(app)
    there = browser(app, remember=True)
    remember_only = app.test_client()
    remember_only.set_cookie("remember_token", there.get_cookie("remember_token").value)
    assert signed_in(remember_only)
    _, other = session_ids(app)

    response = here.post(f"/account/sessions/{other}/end")
    assert response.headers["Location"] == "/account/sessions/"
    assert "The session has ended." in here.get("/account/sessions/").text
    assert not signed_in(there)
    fresh_copy = app.test_client()
    fresh_copy.set_cookie("remember_token", there.get_cookie("remember_token").value)
    assert not signed_in(fresh_copy)
    assert signed_in(here)
    assert kinds(app)[-1] == "session_ended"


def test_no_one_ends_another_users_session(app, make_user):
    make_user()
    add_user(app, "john")
    susan = browser(app)
    john = browser(app, username="john")
    johns = [i for i in session_ids(app) if i != session_ids(app)[0]][0]
    response = susan.post(f"/account/sessions/{johns}/end", follow_redirects=True)
    assert "That session has already ended." in response.text
    assert signed_in(john)
    assert susan.post("/account/sessions/no-such-id/end").status_code == 302


def test_ending_this_session_logs_out(app, make_user):
    make_user()
    here = browser(app)
    (mine,) = session_ids(app)
    response = here.post(f"/account/sessions/{mine}/end")
    assert response.headers["Location"] == "/auth/login"
    assert not signed_in(here)


def test_end_all_others_keeps_this_one(app, make_user):
    make_user()
    here = browser(app)
    others = [browser(app), browser(app, remember=True)]
    response = here.post("/account/sessions/end-others", follow_redirects=True)
    assert "2 other sessions have ended." in response.text
    assert signed_in(here)
    assert not any(signed_in(other) for other in others)
    assert len(active_ids(app)) == 1
    assert kinds(app)[-1] == "other_sessions_ended"


def test_ending_needs_a_post_with_csrf(make_app, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True)
    add_user(app)
    here = app.test_client()
    token = csrf_token(here.get("/auth/login"))
    data = {"username": "susan", "password": PASSWORD, "csrf_token": token}
    assert here.post("/auth/login", data=data).status_code == 302
    assert here.get("/account/sessions/end-others").status_code == 405
    assert here.post("/account/sessions/end-others").status_code == 400
    assert len(active_ids(app)) == 1
    token = csrf_token(here.get("/account/sessions/"))
    response = here.post("/account/sessions/end-others", data={"csrf_token": token})
    assert response.status_code == 302


def test_logout_ends_its_record_so_the_old_cookie_is_anonymous(app, make_user):
    make_user()
    here = browser(app, remember=True)
    elsewhere = browser(app)
    saved = {name: here.get_cookie(name).value for name in ("session", "remember_token")}
    here.post("/auth/logout")

    replay = app.test_client()
    for name, value in saved.items():
        replay.set_cookie(name, value)
    assert not signed_in(replay)
    assert signed_in(elsewhere)
    assert len(active_ids(app)) == 1


def test_a_password_change_ends_the_other_sessions(app, make_user):
    make_user()
    here = browser(app, remember=True)
    there = browser(app, remember=True)
    data = {"current_password": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert here.post("/auth/change_password", data=data).status_code == 302
    assert signed_in(here)
    assert not signed_in(there)
    assert len(active_ids(app)) == 1


def test_a_reset_ends_every_session(app, make_user):
    make_user()
    there = browser(app, remember=True)
    with app.app_context():
        token = db.session.scalar(select(User)).get_reset_password_token()
    client = app.test_client()
    client.get(f"/auth/reset_password/{token}")
    data = {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post("/auth/reset_password", data=data).status_code == 302
    assert not signed_in(there)
    assert active_ids(app) == set()


def test_last_seen_is_written_at_most_every_few_minutes(app, make_user, monkeypatch):
    make_user()
    here = browser(app)
    with app.app_context():
        signed_in_at = db.session.scalar(select(LoginSession.last_seen))

    def last_seen_after(delay):
        monkeypatch.setattr(records, "utcnow", lambda: signed_in_at + delay)
        here.get("/explore")
        with app.app_context():
            return db.session.scalar(select(LoginSession.last_seen))

    assert last_seen_after(timedelta(minutes=4)) == signed_in_at
    assert last_seen_after(timedelta(minutes=6)) == signed_in_at + timedelta(minutes=6)
    assert last_seen_after(timedelta(minutes=10)) == signed_in_at + timedelta(minutes=6)


def sign_in_mail(app, client=None, user_agent=FIREFOX):
    """The new sign-in emails one login sends, from `client` or a new browser."""
    client = client or app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    with mail.record_messages() as outbox:
        client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    return client, [m for m in outbox if "/account/sessions/" in m.body]


def test_a_new_device_is_told_once_and_a_known_one_never(app, make_user):
    make_user()
    laptop, sent = sign_in_mail(app)
    assert sent == [], "the first sign-in has nothing to compare with"
    laptop.post("/auth/logout")
    assert sign_in_mail(app, laptop)[1] == []

    phone, (message,) = sign_in_mail(app, user_agent="curl/8.0")
    assert message.recipients == ["susan@example.com"]
    assert "curl, 127.0.0.*" in message.body
    assert "http://localhost/account/sessions/" in message.html
    phone.post("/auth/logout")
    assert sign_in_mail(app, phone)[1] == []


def test_the_new_sign_in_email_comes_in_the_users_language(app, make_user):
    make_user(locale="zh_CN")
    sign_in_mail(app)
    _, (message,) = sign_in_mail(app)
    assert message.subject == "[Microblog] 你的账户有新的登录"
    assert "Windows 上的 Firefox" in message.body


def test_the_new_sign_in_email_is_a_setting(make_app):
    app = make_app(NEW_SIGN_IN_EMAIL=False)
    add_user(app)
    sign_in_mail(app)
    assert sign_in_mail(app)[1] == []


def test_the_record_is_checked_in_the_query_that_loads_the_user(app, make_user):
    make_user()
    here = browser(app)
    here.get("/explore")  # the first page may write last seen
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert here.get("/explore").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    (check,) = [s for s in statements if "login_session" in s]
    assert "JOIN login_session" in check
    assert 'FROM "user"' in check or "FROM user" in check
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in statements)
