"""Turning two-factor authentication on (a QR code and the key, then a first code), making
new recovery codes and turning it off (both after a fresh password)."""

import re
import time
from urllib.parse import unquote

import pyotp
import pytest
import sqlalchemy as sa

from app.auth.fresh import SESSION_KEY
from app.extensions import db
from app.models import RecoveryCode, TwoFactor, TwoFactorSetup, User
from app.models.two_factor_setup import SETUP_LIFETIME
from tests.account.test_security_log import kinds
from tests.settings import PASSWORD
from tests.twofactor.conftest import T0

SECRET_RE = re.compile(r'<code id="two-factor-secret"[^>]*>([A-Z2-7]+)</code>')
CODE_RE = re.compile(r"<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>")


def secret_on(page) -> str:
    return SECRET_RE.search(page.text).group(1)


def state(app):
    with app.app_context():
        user = db.session.scalar(User.by_username("susan"))
        return TwoFactor.is_on(user), RecoveryCode.left(user)


def stale(client):
    with client.session_transaction() as session:
        session[SESSION_KEY] = int(time.time()) - 3600


@pytest.fixture
def susan(client, auth, make_user, clock):
    make_user("susan")
    auth.login()


def test_settings_page_links_to_two_factor(client, susan):
    page = client.get("/account/")
    assert 'href="/two-factor/"' in page.text
    page = client.get("/two-factor/")
    assert "Two-factor authentication is off." in page.text
    assert 'href="/two-factor/setup"' in page.text


def test_setup_shows_a_qr_code_and_the_key(client, susan):
    page = client.get("/two-factor/setup")
    secret = secret_on(page)
    assert len(secret) == 32
    # The QR code: an SVG drawn by the server, as a data: URL (the CSP's img-src allows it).
    src = re.search(r'<img class="two-factor-qr" src="([^"]+)"', page.text).group(1)
    assert src.startswith("data:image/svg+xml")
    assert "<svg" in unquote(src)
    # The same key on every visit of this session.
    assert secret_on(client.get("/two-factor/setup")) == secret


def test_setup_completes_only_with_a_valid_code(app, client, susan):
    secret = secret_on(client.get("/two-factor/setup"))
    wrong = "000000" if pyotp.TOTP(secret).at(T0) != "000000" else "111111"
    response = client.post("/two-factor/setup", data={"code": wrong})
    assert "That code is not right." in response.text
    assert state(app) == (False, 0)
    response = client.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).at(T0)})
    assert response.status_code == 200
    codes = CODE_RE.findall(response.text)
    assert len(codes) == 10
    assert "They will not be shown again." in response.text
    assert state(app) == (True, 10)
    assert kinds(app)[-1] == "two_factor_enabled"
    page = client.get("/two-factor/")
    assert "Two-factor authentication is on" in page.text
    assert "You have 10 recovery codes left." in page.text
    assert "Turned on <time datetime=" in page.text
    assert not set(CODE_RE.findall(page.text)) & set(codes)  # shown once, and only then
    # Next login asks for a code, which the shown recovery codes answer.
    client.post("/auth/logout")
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    client.post("/two-factor/verify", data={"code": codes[3]})
    assert client.get("/index").status_code == 200


def test_setup_when_already_on_goes_to_status(app, client, susan, clock):
    from tests.twofactor.conftest import turn_on

    turn_on(app, "susan", clock)
    assert client.get("/two-factor/setup").headers["Location"] == "/two-factor/"


def test_setup_needs_fresh_authentication(client, susan):
    stale(client)
    response = client.get("/two-factor/setup")
    assert response.headers["Location"].startswith("/auth/reauthenticate")


def test_anonymous_is_sent_to_login(client):
    for url in (
        "/two-factor/",
        "/two-factor/setup",
        "/two-factor/disable",
        "/two-factor/recovery-codes",
    ):
        assert "/auth/login" in client.get(url).headers["Location"]


@pytest.fixture
def enrolled_and_in(app, client, auth, enrolled):
    auth.login()
    client.post("/two-factor/verify", data={"code": enrolled.code()})
    return enrolled


def test_disable_needs_fresh_authentication(app, client, enrolled_and_in):
    stale(client)
    response = client.post("/two-factor/disable")
    assert response.headers["Location"] == "/auth/reauthenticate?next=/two-factor/disable"
    assert state(app) == (True, 10)
    enrolled_and_in.clock.advance(30)
    fresh = {"password": PASSWORD, "code": enrolled_and_in.code()}
    response = client.post(response.headers["Location"], data=fresh)
    assert response.headers["Location"] == "/two-factor/disable"
    assert "Signing in will ask only for your password." in client.get("/two-factor/disable").text
    response = client.post("/two-factor/disable")
    assert response.headers["Location"] == "/two-factor/"
    assert state(app) == (False, 0)
    assert kinds(app)[-1] == "two_factor_disabled"
    # The password alone signs in again.
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    assert response.headers["Location"] == "/index"


def test_regenerate_needs_fresh_authentication(app, client, enrolled_and_in):
    stale(client)
    response = client.post("/two-factor/recovery-codes")
    assert response.headers["Location"].startswith("/auth/reauthenticate")
    enrolled_and_in.clock.advance(30)
    fresh = {"password": PASSWORD, "code": enrolled_and_in.code()}
    client.post("/auth/reauthenticate", data=fresh)
    response = client.post("/two-factor/recovery-codes")
    codes = CODE_RE.findall(response.text)
    assert len(codes) == 10
    assert not set(codes) & set(enrolled_and_in.recovery_codes)
    assert kinds(app)[-1] == "recovery_codes_regenerated"
    with app.app_context():
        user = db.session.scalar(User.by_username("susan"))
        assert not RecoveryCode.use(user, enrolled_and_in.recovery_codes[0])
        assert RecoveryCode.use(user, codes[0])


@pytest.mark.parametrize("url", ["/two-factor/disable", "/two-factor/recovery-codes"])
def test_managing_when_off_goes_to_status(client, susan, url):
    assert client.get(url).headers["Location"] == "/two-factor/"
    assert client.post(url).headers["Location"] == "/two-factor/"


def test_the_secret_being_set_up_is_kept_on_the_server_not_in_the_cookie(app, client, susan):
    secret = secret_on(client.get("/two-factor/setup"))
    with client.session_transaction() as session:
        assert secret not in repr(dict(session))
    with app.app_context():
        user = db.session.scalar(User.by_username("susan"))
        assert db.session.get(TwoFactorSetup, user.id).secret == secret


def test_another_sign_in_sets_up_its_own_secret(app, client, susan):
    secret = secret_on(client.get("/two-factor/setup"))
    other = app.test_client()
    other.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    other_secret = secret_on(other.get("/two-factor/setup"))
    assert other_secret != secret
    # The first browser's secret is void: its code does not turn two-factor on.
    response = client.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).at(T0)})
    assert secret_on(response) != secret
    assert state(app) == (False, 0)


def test_an_hour_old_secret_is_replaced(app, client, susan):
    secret = secret_on(client.get("/two-factor/setup"))
    with app.app_context():
        user = db.session.scalar(User.by_username("susan"))
        setup = db.session.get(TwoFactorSetup, user.id)
        setup.created_at -= SETUP_LIFETIME
        db.session.commit()
    assert secret_on(client.get("/two-factor/setup")) != secret


def test_the_secret_is_forgotten_once_set_up(app, client, susan):
    secret = secret_on(client.get("/two-factor/setup"))
    client.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).at(T0)})
    assert state(app) == (True, 10)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TwoFactorSetup)) == 0
