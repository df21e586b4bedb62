import statistics
import time

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import User
from config import Config
from tests.conftest import add_user

PASSWORD = "correct horse"  # the make_user default


def stored_hash(app, username="susan"):
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.username == username))


def set_hash(app, password_hash, username="susan"):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        user.password_hash = password_hash
        db.session.commit()


def logged_in_as(client):
    with client.session_transaction() as session:
        return session.get("_user_id", "").partition(":")[0] or None


def test_login_page(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert 'name="remember_me"' in response.text


@pytest.mark.parametrize(
    "login", ["susan", "SUSAN", " Susan ", "susan@example.com", "Susan@Example.COM"]
)
def test_login_by_username_or_email_in_any_case(client, auth, make_user, login):
    user = make_user()
    response = auth.login(login)
    assert response.status_code == 302
    assert response.headers["Location"] == "/index"
    assert logged_in_as(client) == str(user.id)
    assert "Hi, susan!" in client.get("/").text


@pytest.mark.parametrize(("login", "password"), [("susan", "wrong password"), ("nobody", PASSWORD)])
def test_bad_credentials_give_one_message(client, auth, make_user, login, password):
    make_user()
    response = auth.login(login, password)
    assert response.status_code == 200
    assert "Invalid username or password" in response.text
    assert logged_in_as(client) is None


def test_logged_in_user_is_sent_home(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/auth/login").headers["Location"] == "/index"


@pytest.mark.parametrize(("target", "location"), [("/index", "/index"), ("/?page=2", "/?page=2")])
def test_next_to_a_local_page_is_honoured(client, make_user, target, location):
    make_user()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"username": "susan", "password": PASSWORD},
    )
    assert response.headers["Location"] == location


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "///evil.com",
        "https://evil.com",
        "http:evil.com",
        "https:/evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "\\/evil.com",
        "/\t/evil.com",
        "/\n/evil.com",
        " //evil.com",
        "javascript:alert(1)",
        "evil.com",
        "",
    ],
)
def test_next_never_leaves_the_site(client, make_user, target):
    make_user()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"username": "susan", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/index"


def test_remember_me_cookie_is_http_only_and_lax(auth, make_user):
    make_user()
    response = auth.login(remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert len(remember) == 1
    assert "HttpOnly" in remember[0]
    assert "SameSite=Lax" in remember[0]


def test_no_remember_me_cookie_unless_asked(auth, make_user):
    make_user()
    cookies = auth.login().headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith("remember_token=")]


def test_logout_is_post_only(client, auth, make_user):
    make_user()
    auth.login()
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "Method Not Allowed" in response.text
    assert logged_in_as(client) is not None


def test_logout_ends_session(client, auth, make_user):
    make_user()
    auth.login(remember=True)
    response = auth.logout()
    assert response.headers["Location"] == "/auth/login"
    assert logged_in_as(client) is None
    page = client.get("/auth/login").text
    assert "You have been logged out." in page
    assert "Please log in to access this page." not in page
    assert client.get("/index").headers["Location"].startswith("/auth/login")


def saved_cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")}


def browser_with(app, cookies: dict[str, str]):
    """A new browser holding copies of these cookies, as someone who saved them would."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def test_logout_ends_the_session_on_the_server(app, client, auth, make_user):
    make_user()
    auth.login(remember=True)
    saved = saved_cookies(client)
    elsewhere = app.test_client()
    elsewhere.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    assert browser_with(app, saved).get("/").status_code == 200
    assert (
        browser_with(app, {"remember_token": saved["remember_token"]}).get("/").status_code == 200
    )

    auth.logout()

    for cookies in (
        saved,
        {"session": saved["session"]},
        {"remember_token": saved["remember_token"]},
    ):
        response = browser_with(app, cookies).get("/index")
        assert response.status_code == 302, f"still logged in with {list(cookies)}"
        assert response.headers["Location"].startswith("/auth/login")
    # Only this browser's session ends: its record, not the user's other sessions.
    assert elsewhere.get("/index").status_code == 200
    auth.login()
    assert client.get("/").status_code == 200


def test_login_starts_a_fresh_session(make_app, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True)
    add_user(app)
    client = app.test_client()
    taken_before = csrf_token(client.get("/auth/login"))
    with client.session_transaction() as session:
        session["reset_token"] = "a token from before"
    credentials = {"username": "susan", "password": PASSWORD, "csrf_token": taken_before}
    assert client.post("/auth/login", data=credentials).status_code == 302

    refused = client.post("/auth/logout", data={"csrf_token": taken_before})
    assert refused.status_code == 400
    assert logged_in_as(client) == "1"
    with client.session_transaction() as session:
        assert "reset_token" not in session
    taken_after = csrf_token(client.get("/index"))
    assert client.post("/auth/logout", data={"csrf_token": taken_after}).status_code == 302
    assert logged_in_as(client) is None


def test_pages_after_login_leave_the_session_cookie_alone(make_app, csrf_token):
    """The session a login starts already holds its CSRF token: the pages that follow do not
    write the cookie again (a write per page costs signing, and breaks shared caches)."""
    app = make_app(WTF_CSRF_ENABLED=True)
    add_user(app)
    client = app.test_client()
    credentials = {"username": "susan", "password": PASSWORD}
    credentials["csrf_token"] = csrf_token(client.get("/auth/login"))
    assert client.post("/auth/login", data=credentials).status_code == 302
    for path in ("/index", "/explore", "/user/susan", "/index"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path


def test_a_signed_out_pages_polling_leaves_a_login_form_valid(make_app, csrf_token):
    """A page left open still polls after its session is gone (cookies cleared, signed out
    elsewhere), and the answer may come after the login page opened meanwhile: it must not
    replace the session cookie holding that form's CSRF token (the e2e flake of
    test_markdown_post_with_a_mention_and_a_tag: "The CSRF tokens do not match")."""
    app = make_app(WTF_CSRF_ENABLED=True)
    add_user(app)
    browser = app.test_client()
    form_token = csrf_token(browser.get("/auth/login"))
    # Sent without the login page's cookie, answered after it; fetch() follows redirects.
    poll = app.test_client()
    poll.get(
        "/notifications?since=0", headers={"Accept": "application/json"}, follow_redirects=True
    )
    if (cookie := poll.get_cookie("session")) is not None:
        browser.set_cookie("session", cookie.value)
    credentials = {"username": "susan", "password": PASSWORD, "csrf_token": form_token}
    assert browser.post("/auth/login", data=credentials).status_code == 302
    assert logged_in_as(browser) == "1"


def test_logout_without_a_session_changes_nothing(app, client, auth, make_user):
    make_user()
    elsewhere = app.test_client()
    elsewhere.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    response = auth.logout()
    assert response.headers["Location"] == "/auth/login"
    assert elsewhere.get("/").status_code == 200


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256", "pbkdf2:sha256:600000"])
def test_tutorial_hashes_are_upgraded_to_argon2id(app, auth, make_user, method):
    make_user()
    set_hash(app, generate_password_hash(PASSWORD, method=method))

    assert auth.login(password="wrong password").status_code == 200
    assert not stored_hash(app).startswith("$argon2")

    assert auth.login().status_code == 302
    new_hash = stored_hash(app)
    assert new_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(new_hash, PASSWORD)


def test_weaker_argon2_hash_is_rehashed(make_app):
    app = make_app(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=16)
    client = app.test_client()
    with app.app_context():
        weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
        db.session.add(User(username="susan", email="susan@example.com", password_hash=weak))
        db.session.commit()

    response = client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    assert response.status_code == 302
    new_hash = stored_hash(app)
    assert new_hash != weak
    assert "$m=16,t=2,p=1$" in new_hash


def test_current_argon2_hash_is_kept(app, auth, make_user):
    make_user()
    before = stored_hash(app)
    auth.login()
    assert stored_hash(app) == before


def test_user_without_password_cannot_log_in(app, auth, make_user):
    make_user()
    set_hash(app, None)
    assert "Invalid username or password" in auth.login().text


def test_corrupt_argon2_hash_fails_closed(app, auth, make_user):
    make_user()
    set_hash(app, "$argon2id$garbage")
    assert "Invalid username or password" in auth.login().text


@pytest.mark.timing
def test_unknown_user_takes_as_long_as_wrong_password(make_app):
    """Response time must not tell whether an account exists (production Argon2 settings)."""
    app = make_app(
        ARGON2_TIME_COST=Config.ARGON2_TIME_COST,
        ARGON2_MEMORY_COST=Config.ARGON2_MEMORY_COST,
        ARGON2_PARALLELISM=Config.ARGON2_PARALLELISM,
    )
    client = app.test_client()
    with app.app_context():
        user = User(username="susan", email="susan@example.com")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()

    def median_seconds(login):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            response = client.post("/auth/login", data={"username": login, "password": "wrong!!!"})
            times.append(time.perf_counter() - start)
            assert "Invalid username or password" in response.text
        return statistics.median(times)

    median_seconds("nobody")  # warm up: the dummy hash is made once per process
    wrong_password = median_seconds("susan")
    unknown_user = median_seconds("nobody")
    assert wrong_password > 0.01, "Argon2 at production settings should take a while"
    assert unknown_user > wrong_password / 3
