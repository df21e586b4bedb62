"""Passkeys in a real Chromium, its authenticator a virtual one (Chrome DevTools Protocol's
WebAuthn domain): add one, log out, sign in with it alone, a copy is refused, and one stands
for the code after the password of a two-factor login."""

import re

import pyotp
import pytest

from tests.e2e.conftest import start_server

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(smtp, tmp_path_factory):
    """The site as http://localhost:PORT: WebAuthn refuses an IP address as the site's name,
    and localhost over plain HTTP is a secure context."""
    yield from start_server(smtp, tmp_path_factory, host="localhost")


class Authenticators:
    """Virtual authenticators of the page's browser: a platform one with a PIN or a
    fingerprint, which keeps discoverable credentials (passkeys)."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable")

    def add(self) -> str:
        options = {
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": True,
            "hasUserVerification": True,
            "isUserVerified": True,
            "automaticPresenceSimulation": True,
        }
        answer = self.cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
        return answer["authenticatorId"]

    def credentials(self, authenticator: str) -> list[dict]:
        answer = self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
        return answer["credentials"]

    def remove(self, authenticator: str) -> None:
        self.cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator})

    def add_credential(self, authenticator: str, credential: dict) -> None:
        self.cdp.send(
            "WebAuthn.addCredential", {"authenticatorId": authenticator, "credential": credential}
        )


def sign_in_with_passkey(page, t) -> None:
    page.get_by_role("button", name=t("Sign in with a passkey")).click()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_add_a_passkey_sign_in_with_it_and_a_copy_is_refused(page, site, t, locale):
    authenticators = Authenticators(page)
    authenticator = authenticators.add()
    username = site.sign_up_and_login().username

    page.goto("/account/")
    page.get_by_role("link", name=t("Passkeys")).click()
    expect(page).to_have_url(re.compile(r"/passkeys/$"))
    expect(page.get_by_text(t("You have no passkeys yet."))).to_be_visible()
    page.get_by_label(t("Name"), exact=True).fill("Laptop")
    page.get_by_role("button", name=t("Add a passkey")).click()
    expect(page.locator(".passkey-list")).to_contain_text("Laptop")
    expect(page.locator(".passkey-list")).to_contain_text(t("never used"))
    [credential] = authenticators.credentials(authenticator)
    assert credential["isResidentCredential"]

    # Signed out, the passkey alone signs in: no username typed.
    site.logout()
    sign_in_with_passkey(page, t)
    expect(page.get_by_role("heading", level=1)).to_contain_text(username)
    page.goto("/passkeys/")
    expect(page.locator(".passkey-list")).to_contain_text(t("last used"))
    # Signing in with a passkey is a fresh login: the page asks for no password first.
    expect(page.get_by_role("button", name=t("Add a passkey"))).to_be_visible()

    # A copy of the authenticator, its counter behind the server's, is refused.
    [used] = authenticators.credentials(authenticator)
    assert used["signCount"] > 0
    authenticators.remove(authenticator)
    clone = authenticators.add()
    authenticators.add_credential(clone, {**used, "signCount": 0})
    site.logout()
    sign_in_with_passkey(page, t)
    alert = page.locator("[data-passkey-login] [role=alert]")
    expect(alert).to_have_text(
        t("This passkey's counter went backwards: it may have been copied, so it was refused.")
    )
    expect(page).to_have_url(re.compile(r"/auth/login$"))


def test_remove_a_passkey_and_it_no_longer_signs_in(page, site, t):
    authenticators = Authenticators(page)
    authenticators.add()
    site.sign_up_and_login()
    page.goto("/passkeys/")
    page.get_by_label(t("Name"), exact=True).fill("Phone")
    page.get_by_role("button", name=t("Add a passkey")).click()
    expect(page.locator(".passkey-list")).to_contain_text("Phone")

    page.get_by_role("button", name="Remove passkey Phone").click()
    expect(page.get_by_text(t("You have no passkeys yet."))).to_be_visible()
    site.logout()
    sign_in_with_passkey(page, t)
    expect(page.locator("[data-passkey-login] [role=alert]")).to_have_text(
        t("This passkey is not registered here.")
    )


def turn_on_two_factor(page) -> None:
    """Two-factor authentication on, its first code computed from the key the page shows."""
    page.goto("/two-factor/setup")
    secret = page.locator("#two-factor-secret").inner_text().strip()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("#submit").click()
    expect(page.locator(".recovery-codes code")).to_have_count(10)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_passkey_as_the_second_factor_after_the_password(page, site, t, locale):
    authenticators = Authenticators(page)
    authenticators.add()
    username = site.sign_up_and_login().username
    page.goto("/passkeys/")
    page.get_by_label(t("Name"), exact=True).fill("Laptop")
    page.get_by_role("button", name=t("Add a passkey")).click()
    expect(page.locator(".passkey-list")).to_contain_text("Laptop")
    turn_on_two_factor(page)

    site.logout()
    site.submit_login(username)
    # The code step, which offers the user's passkey instead of a code.
    expect(page).to_have_url(re.compile(r"/two-factor/verify$"))
    page.get_by_role("button", name=t("Use a passkey instead")).click()
    expect(page.get_by_role("button", name=t("Logout"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/index$"))
    page.goto("/passkeys/")
    expect(page.locator(".passkey-list")).to_contain_text(t("last used"))

    # Proving it's you again ("sudo mode"): the passkey stands for the password and the code.
    page.goto("/auth/reauthenticate?next=/two-factor/")
    expect(page.locator("#code")).to_be_visible()
    page.get_by_role("button", name=t("Use a passkey instead")).click()
    expect(page).to_have_url(re.compile(r"/two-factor/$"))
