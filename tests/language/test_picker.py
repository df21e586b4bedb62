"""The navbar's language picker: POST /language, remembered per user and per browser."""

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import User
from tests.conftest import AuthActions
from tests.language.conftest import lang


def pick(client, language, next="/auth/login", **data):
    return client.post("/language", data={"language": language, "next": next, **data})


def stored_locale(app, username="susan"):
    with app.app_context():
        return db.session.scalar(select(User.locale).where(User.username == username))


def test_every_page_has_the_picker_with_each_language_in_its_own_name(client):
    page = client.get("/auth/register").text
    assert 'action="/language" method="post"' in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert '<option value="es" lang="es">Español</option>' in page
    assert '<option value="zh_CN" lang="zh-CN">简体中文</option>' in page
    assert '<input name="next" type="hidden" value="/auth/register">' in page


@pytest.mark.parametrize(("language", "tag"), [("es", "es"), ("zh_CN", "zh-CN"), ("en", "en")])
def test_a_visitors_pick_shows_the_site_in_it_and_goes_back(client, language, tag):
    response = pick(client, language, next="/auth/register?from=mail")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/register?from=mail"
    page = client.get("/auth/register", headers={"Accept-Language": "fr"})
    assert lang(page) == tag
    assert f'<option value="{language}" lang="{tag}" selected>' in page.text


def test_a_visitors_pick_beats_the_browsers_language_and_lasts(client):
    response = pick(client, "es")
    cookie = client.get_cookie("language")
    assert cookie.value == "es" and cookie.http_only
    assert "Max-Age=31536000" in response.headers["Set-Cookie"]
    assert lang(client.get("/auth/login", headers={"Accept-Language": "zh-CN"})) == "es"
    assert "Iniciar sesión" in client.get("/auth/login").text


def test_without_a_pick_accept_language_decides(client):
    assert lang(client.get("/auth/login", headers={"Accept-Language": "zh-CN"})) == "zh-CN"
    assert lang(client.get("/auth/login", headers={"Accept-Language": "es-MX"})) == "es"
    assert lang(client.get("/auth/login")) == "en"


def test_a_users_pick_is_stored_and_follows_them_to_another_browser(app, client, make_user):
    make_user("susan")
    AuthActions(client).login("susan")
    assert pick(client, "es", next="/explore").headers["Location"] == "/explore"
    assert stored_locale(app) == "es"
    assert lang(client.get("/explore")) == "es"

    # Logged out, this browser keeps the pick; another, with no cookie, gets it at login.
    AuthActions(client).logout()
    assert lang(client.get("/auth/login", headers={"Accept-Language": "zh-CN"})) == "es"
    elsewhere = app.test_client()
    zh = {"Accept-Language": "zh-CN"}
    assert lang(elsewhere.get("/auth/login", headers=zh)) == "zh-CN"
    AuthActions(elsewhere).login("susan")
    assert elsewhere.get_cookie("language") is None
    home = elsewhere.get("/index", headers=zh)
    assert lang(home) == "es"
    assert "¡Hola, susan!" in home.text


def test_the_users_pick_beats_this_browsers(app, client, make_user):
    make_user("susan", locale="zh_CN")
    pick(client, "es")  # before signing in, on a shared computer say
    AuthActions(client).login("susan")
    assert lang(client.get("/index")) == "zh-CN"
    AuthActions(client).logout()
    assert lang(client.get("/auth/login")) == "es"


def test_a_user_who_never_picked_gets_the_browsers_pick_or_language(client, make_user):
    make_user("susan")
    AuthActions(client).login("susan")
    assert lang(client.get("/index", headers={"Accept-Language": "zh-CN"})) == "zh-CN"
    client.set_cookie("language", "es")
    assert lang(client.get("/index", headers={"Accept-Language": "zh-CN"})) == "es"


@pytest.mark.parametrize("language", ["xx", "", "zh_TW", "EN", "es\r\nSet-Cookie: x=1", "e" * 5000])
def test_a_language_the_site_does_not_offer_is_a_400(app, client, make_user, language):
    make_user("susan")
    AuthActions(client).login("susan")
    response = pick(client, language)
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers or "language=" not in response.headers["Set-Cookie"]
    assert stored_locale(app) is None


def test_a_post_without_a_language_is_a_400(client):
    assert client.post("/language", data={"next": "/auth/login"}).status_code == 400
    assert client.get("/language").status_code == 405


@pytest.mark.parametrize("stale", ["fr", "", "zh-TW", "../../etc/passwd"])
def test_a_pick_the_site_no_longer_offers_is_ignored(app, client, make_user, stale):
    # A cookie is the visitor's to write, and a stored pick may name a language since removed.
    make_user("susan", locale=stale)
    client.set_cookie("language", stale)
    assert lang(client.get("/auth/login", headers={"Accept-Language": "es"})) == "es"
    AuthActions(client).login("susan")
    assert lang(client.get("/index", headers={"Accept-Language": "es"})) == "es"


@pytest.mark.parametrize(
    "next",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "evil.example",
        "",
    ],
)
def test_the_way_back_never_leaves_the_site(client, next):
    response = pick(client, "es", next=next)
    assert response.status_code == 302
    assert response.headers["Location"] == "/index"


def test_the_way_back_keeps_a_mounted_sites_prefix(client):
    page = client.get("/auth/register", environ_overrides={"SCRIPT_NAME": "/blog"}).text
    assert 'action="/blog/language"' in page
    assert '<input name="next" type="hidden" value="/blog/auth/register">' in page


def test_the_picker_is_a_post_behind_csrf(make_app, make_user, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    forged = pick(client, "es")
    assert forged.status_code == 400
    assert client.get_cookie("language") is None
    assert pick(client, "es", csrf_token=token).status_code == 302
    assert client.get_cookie("language").value == "es"


def statements_for(app, client, path):
    """The SQL statements one page view sends (after a first view, which may write)."""
    client.get(path)
    with app.app_context():
        engine = db.engine
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


@pytest.mark.parametrize("path", ["/index", "/explore", "/user/susan"])
def test_a_picked_language_costs_no_query(app, make_user, path):
    make_user("susan", locale="es")
    make_user("john")
    susan, john = app.test_client(), app.test_client()
    AuthActions(susan).login("susan")
    AuthActions(john).login("john")
    picked = statements_for(app, susan, path)
    assert lang(susan.get(path)) == "es"
    assert len(picked) == len(statements_for(app, john, path))
