"""The emails telling a user how they sign in changed: two-factor turned on or off, new
recovery codes, a passkey added or removed (sent through Flask-Mail, recorded here)."""

import pyotp
import pytest

from app.extensions import mail
from app.models import Passkey
from tests.passkeys.authenticator import Authenticator
from tests.passkeys.conftest import Passkeys
from tests.twofactor.conftest import T0, turn_on
from tests.twofactor.test_setup import secret_on


@pytest.fixture
def susan(client, auth, make_user, clock):
    make_user("susan")
    auth.login()


def sent(client, method, url, **kwargs):
    with mail.record_messages() as outbox:
        response = client.open(url, method=method, **kwargs)
    assert response.status_code in (200, 302)
    return outbox


def only(outbox):
    assert len(outbox) == 1, [m.subject for m in outbox]
    message = outbox[0]
    assert message.recipients == ["susan@example.com"]
    assert "http://localhost/auth/reset_password_request" in message.body
    assert 'href="http://localhost/account/security"' in message.html
    return message


def test_turning_two_factor_on_is_emailed(client, susan):
    secret = secret_on(client.get("/two-factor/setup"))
    code = pyotp.TOTP(secret).at(T0)
    message = only(sent(client, "POST", "/two-factor/setup", data={"code": code}))
    assert message.subject == "[Microblog] Two-factor authentication was turned on"
    assert "Two-factor authentication was just turned on" in message.body
    assert "Two-factor authentication was just turned on" in message.html


def test_a_wrong_code_sends_nothing(client, susan):
    client.get("/two-factor/setup")
    assert sent(client, "POST", "/two-factor/setup", data={"code": "x"}) == []


def test_turning_two_factor_off_and_new_codes_are_emailed(app, client, susan, clock):
    turn_on(app, "susan", clock)
    message = only(sent(client, "POST", "/two-factor/recovery-codes"))
    assert message.subject == "[Microblog] New recovery codes were made"
    message = only(sent(client, "POST", "/two-factor/disable"))
    assert message.subject == "[Microblog] Two-factor authentication was turned off"
    assert "your password alone signs in again" in message.body


def test_passkeys_added_and_removed_are_emailed(app, client, susan):
    authenticator = Authenticator()
    with mail.record_messages() as outbox:
        assert Passkeys(client).register(authenticator, name="Phone").status_code == 200
    message = only(outbox)
    assert message.subject == "[Microblog] A passkey was added to your account"
    assert "The passkey “Phone” was just added" in message.body
    with app.app_context():
        passkey_id = Passkey.by_credential_id(authenticator.credential_id).id
    message = only(sent(client, "POST", f"/passkeys/{passkey_id}/delete"))
    assert message.subject == "[Microblog] A passkey was removed from your account"
    assert "The passkey “Phone” was just removed" in message.body


def test_the_email_comes_in_the_users_language(client, auth, make_user, clock):
    make_user("susan", locale="zh_CN")
    auth.login()
    secret = secret_on(client.get("/two-factor/setup"))
    code = pyotp.TOTP(secret).at(T0)
    message = only(sent(client, "POST", "/two-factor/setup", data={"code": code}))
    assert message.subject == "[Microblog] 你的账户开启了两步验证"
    assert "你的 Microblog 账户刚刚开启了两步验证。" in message.body
