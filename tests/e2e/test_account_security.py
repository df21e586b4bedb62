"""Account journeys in a real browser with real mail, in English and Chinese: changing the
email address and undoing it from the old one, and deleting the account."""

import re
from functools import cache

import pytest
from babel.support import NullTranslations, Translations

from tests.e2e.conftest import PASSWORD, ROOT

pytestmark = pytest.mark.e2e
LOCALES = ["en-US", "zh-CN"]

try:
    from playwright.sync_api import expect
except ImportError:  # the e2e fixtures skip, with the reason
    expect = None


@cache
def catalog(locale: str) -> NullTranslations:
    if locale == "en-US":
        return NullTranslations()
    return Translations.load(ROOT / "app" / "translations", ["zh_Hans_CN"])


def t(locale: str, message: str, **values) -> str:
    """The page's text for `message`, in the browser's language."""
    return catalog(locale).gettext(message) % values if values else catalog(locale).gettext(message)


def link_in(smtp, to: str, subject: str, path: str) -> str:
    body = smtp.wait_for(to, subject).get_body(("plain",)).get_content()
    return re.search(rf"http://\S+{path}\S+", body).group(0)


@pytest.mark.parametrize("locale", LOCALES)
def test_change_email_then_undo_it_from_the_old_address(page, site, smtp, server, locale):
    account = site.sign_up_and_login()
    new_email = f"{account.username}-new@example.com"

    page.goto("/account/")
    page.get_by_role("link", name=t(locale, "Email address")).click()
    page.locator("#email").fill(new_email)
    page.get_by_role("button", name=t(locale, "Send a confirmation link")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        t(
            locale,
            "We have sent a link to %(email)s: your address changes when you open it.",
            email=new_email,
        )  # fmt: skip
    )

    subject = t(locale, "[Microblog] Confirm your new email address")
    page.goto(link_in(smtp, new_email, subject, "/account/email/confirm/"))
    page.get_by_role("button", name=t(locale, "Change my email address")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        t(locale, "Your email address is now %(email)s.", email=new_email)
    )

    # The old address is told, and its link undoes the change.
    subject = t(locale, "[Microblog] Your email address was changed")
    undo = link_in(smtp, account.email, subject, "/account/email/undo/")
    assert undo.startswith(f"{server.url}/account/email/undo/")
    page.goto(undo)
    page.get_by_role("button", name=t(locale, "This wasn't me: undo the change")).click()
    page.wait_for_url("**/auth/login**")
    expect(page.get_by_role("alert")).to_contain_text(
        t(
            locale,
            "Your email address is %(email)s again and every session has ended. We have "
            "sent a link to %(email)s to choose a new password.",
            email=account.email,
        )  # fmt: skip
    )
    # Every session ended, and a reset link went to the restored address.
    page.goto("/index")
    page.wait_for_url("**/auth/login**")
    subject = t(locale, "[Microblog] Reset Your Password")
    reset = link_in(smtp, account.email, subject, "/auth/reset_password/")
    assert reset.startswith(server.url)

    site.login(account.email)
    page.goto("/account/security")
    expect(page.get_by_text(t(locale, "Email address change undone"))).to_be_visible()
    expect(page.get_by_text(f"{account.email} → {new_email}")).to_be_visible()


@pytest.mark.parametrize("locale", LOCALES)
def test_export_then_delete_the_account(page, site, smtp, locale):
    account = site.sign_up_and_login()
    page.goto("/account/")
    page.get_by_role("link", name=t(locale, "Delete account")).click()
    page.get_by_role("button", name=t(locale, "Export your posts")).click()
    # Its page shown first: the goto() below could cancel it, its message left for the next.
    expect(page.get_by_role("alert")).to_contain_text(
        t(locale, "Your posts are being exported; they will arrive by email.")
    )
    # The export's email is in the language of the page that asked for it.
    smtp.wait_for(account.email, t(locale, "[Microblog] Your blog posts"), timeout=30)

    page.goto("/account/delete")
    page.get_by_role("button", name=t(locale, "Delete my account")).click()
    expect(page.get_by_role("alert")).to_contain_text(t(locale, "Please tick the box to confirm."))
    page.get_by_label(
        t(locale, "I understand that my account, posts and messages will be deleted for good.")
    ).check()
    page.get_by_role("button", name=t(locale, "Delete my account")).click()
    page.wait_for_url("**/auth/login**")
    expect(page.get_by_role("alert")).to_contain_text(
        t(locale, "Your account has been deleted. Goodbye!")
    )

    site.submit_login(account.username)
    expect(page.get_by_text(t(locale, "Invalid username or password"))).to_be_visible()
    # The name stays reserved.
    page.goto("/auth/register")
    page.locator("#username").fill(account.username)
    page.locator("#email").fill(f"{account.username}-again@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password2").fill(PASSWORD)
    page.locator("#submit").click()
    expect(page.get_by_text(t(locale, "Please use a different username."))).to_be_visible()
