"""The colour theme: picked in the navbar, kept in a cookie, written by the server into
<html data-bs-theme> (no script decides it), "auto" resolved by CSS."""

import re
from pathlib import Path

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import User
from app.theme.auto_css import BOOTSTRAP_CSS, auto_dark_css
from tests.settings import PASSWORD

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"


def html_theme(page: str) -> str:
    return re.search(r'<html [^>]*data-bs-theme="([^"]*)"', page)[1]


def picker(page: str) -> str:
    return re.search(r'<form[^>]*action="/theme".*?</form>', page, re.S)[0]


def test_without_a_pick_the_page_follows_the_system(client):
    page = client.get("/auth/login").text
    assert html_theme(page) == "auto"
    assert '<meta name="color-scheme" content="light dark">' in page
    assert re.search(r'value="auto" class="[^"]* active" aria-pressed="true"', picker(page))


@pytest.mark.parametrize("theme", ["dark", "light", "auto"])
def test_a_pick_is_kept_and_rendered_by_the_server(client, theme):
    response = client.post("/theme", data={"theme": theme, "next": "/auth/register?x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/register?x=1"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"theme={theme};") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    page = client.get("/auth/register").text
    assert html_theme(page) == theme
    assert re.search(rf'value="{theme}" class="[^"]* active" aria-pressed="true"', picker(page))
    assert picker(page).count('aria-pressed="true"') == 1


def test_signed_in_readers_pick_too(client, auth, make_user):
    make_user("susan")
    auth.login("susan")
    client.post("/theme", data={"theme": "dark", "next": "/explore"})
    assert html_theme(client.get("/explore").text) == "dark"


@pytest.mark.parametrize(
    ("data", "status"),
    [({"theme": "purple"}, 400), ({}, 400), ({"theme": "dark", "next": "//evil.example"}, 302)],
)
def test_anything_else_is_refused_and_never_leaves_the_site(client, data, status):
    response = client.post("/theme", data=data)
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"] == "/"


def test_a_forged_cookie_is_ignored(client):
    client.set_cookie("theme", '"><script>alert(1)</script>')
    assert html_theme(client.get("/auth/login").text) == "auto"


def test_the_picker_needs_the_csrf_token(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert client.post("/theme", data={"theme": "dark"}).status_code == 400


def test_no_page_has_an_inline_script(client, auth, make_user):
    make_user("susan")
    for path in ("/", "/auth/login"):
        assert not re.search(r"<script(?![^>]*\bsrc=)", client.get(path).text), path
    auth.login("susan")
    for path in ("/", "/explore", "/messages"):
        assert not re.search(r"<script(?![^>]*\bsrc=)", client.get(path).text), path


def test_the_kept_picker_shows_each_readers_own_theme(app):
    dark, light = app.test_client(), app.test_client()
    dark.set_cookie("theme", "dark")
    light.set_cookie("theme", "light")
    for _ in range(2):  # the second round reads what the speed-ups kept
        assert html_theme(dark.get("/auth/login").text) == "dark"
        assert 'value="dark" class="btn btn-outline-secondary active"' in picker(
            dark.get("/auth/login").text
        )
        assert 'value="light" class="btn btn-outline-secondary active"' in picker(
            light.get("/auth/login").text
        )


def test_auto_copies_bootstraps_dark_theme_under_the_media_query():
    """static/color-modes.css is what app/theme/auto_css.py makes of the installed Bootstrap."""
    made = auto_dark_css(BOOTSTRAP_CSS.read_text())
    assert (STATIC / "color-modes.css").read_text() == made
    assert made.count("[data-bs-theme=auto]") == 7
    assert "@media (prefers-color-scheme: dark)" in made and "--bs-body-bg:#212529" in made


def test_a_signed_in_pick_is_kept_on_the_user_for_every_device(app, client, auth, make_user):
    make_user("susan")
    auth.login("susan")
    client.post("/theme", data={"theme": "dark", "next": "/explore"})
    with app.app_context():
        assert db.session.scalar(User.by_username("susan")).theme == "dark"
    # Another browser, with no cookie: dark once she signs in, the system's before.
    phone = app.test_client()
    assert html_theme(phone.get("/auth/login").text) == "auto"
    phone.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    page = phone.get("/explore").text
    assert html_theme(page) == "dark"
    assert re.search(r'value="dark" class="[^"]* active" aria-pressed="true"', picker(page))


def test_the_users_pick_wins_over_this_browsers_cookie(app, client, make_user):
    make_user("susan", theme="light")
    client.post("/theme", data={"theme": "dark"})  # as a visitor
    assert html_theme(client.get("/auth/login").text) == "dark"
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    assert html_theme(client.get("/explore").text) == "light"
    client.post("/auth/logout")
    assert html_theme(client.get("/auth/login").text) == "dark", "a visitor keeps the cookie"


def test_a_user_who_never_picked_keeps_this_browsers_cookie(client, auth, make_user):
    make_user("susan")
    client.post("/theme", data={"theme": "dark"})
    auth.login("susan")
    assert html_theme(client.get("/explore").text) == "dark"


def test_the_users_theme_costs_no_query(app, client, auth, make_user):
    make_user("susan", theme="dark")
    auth.login("susan")
    client.get("/explore")  # the first page may write last seen

    def statements():
        found = []
        record = lambda conn, cursor, statement, *args: found.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", record)
        page = client.get("/explore").text
        event.remove(engine, "before_cursor_execute", record)
        return page, found

    with app.app_context():
        engine = db.engine
    page, with_theme = statements()
    assert html_theme(page) == "dark"
    with app.app_context():
        db.session.scalar(User.by_username("susan")).theme = None
        db.session.commit()
    page, without = statements()
    assert html_theme(page) == "auto"
    assert len(with_theme) == len(without)
