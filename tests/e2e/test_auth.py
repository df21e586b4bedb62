"""Signing up, logging in and out, and setting passwords, in a real browser."""

import re

import pytest

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install -r requirements-test.txt)",
).expect

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a brand new secret"


def test_sign_up_log_out_and_log_in(page, site):
    account = site.register(confirm=False)
    expect(page.get_by_role("alert")).to_contain_text("We have sent an email to that address")

    site.login(account.username)
    expect(page).to_have_url(re.compile(r"/index$|/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hi, {account.username}!")
    profile = page.get_by_role("navigation").get_by_role("link", name="Profile")
    expect(profile).to_have_attribute("href", f"/user/{account.username}")

    site.logout()
    expect(page.get_by_role("alert").filter(has_text="You have been logged out.")).to_be_visible()
    # The session is really gone: home sends us back to the login page.
    page.goto("/index")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    expect(page.get_by_role("button", name="Logout")).to_have_count(0)

    site.login(account.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hi, {account.username}!")


def test_login_by_email_in_another_letter_case(page, site):
    account = site.register()
    site.login(account.email.upper())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hi, {account.username}!")


def test_wrong_password_is_refused(page, site):
    account = site.register()
    site.submit_login(account.username, "not the password")
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    expect(page.get_by_text("Invalid username or password")).to_be_visible()


def test_password_reset_by_email(page, site, smtp, server):
    account = site.register()

    page.goto("/auth/reset_password_request")
    page.get_by_label("Email", exact=True).fill(account.email)
    page.get_by_role("button", name="Request password reset").click()
    expect(page.get_by_role("alert")).to_contain_text("If an account has this address")

    message = smtp.wait_for(account.email, "Reset Your Password")
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"http://\S+/auth/reset_password/\S+", body).group(0)
    assert link.startswith(f"{server.url}/auth/reset_password/")

    page.goto(link)
    # The token is taken out of the address bar before the form is shown.
    expect(page).to_have_url(f"{server.url}/auth/reset_password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Reset password").click()
    expect(page.get_by_role("alert")).to_contain_text("Your password has been reset.")
    smtp.wait_for(account.email, "Your password was changed")

    site.login(account.username, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hi, {account.username}!")
    site.logout()

    site.submit_login(account.username, account.password)
    expect(page.get_by_text("Invalid username or password")).to_be_visible()

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invalid or expired link")


def test_change_password(page, site, smtp):
    account = site.sign_up_and_login()

    page.get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Account settings").click()
    page.locator('main a[href="/auth/change_password"]').click()
    page.get_by_label("Current password", exact=True).fill("wrong current password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your current password is wrong.")).to_be_visible()

    page.get_by_label("Current password", exact=True).fill(account.password)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("Your password has been changed.")
    # This session survives the change; it is renewed rather than ended.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hi, {account.username}!")
    smtp.wait_for(account.email, "Your password was changed")

    site.logout()
    site.submit_login(account.username, account.password)
    expect(page.get_by_text("Invalid username or password")).to_be_visible()
    site.login(account.username, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hi, {account.username}!")


def test_register_form_starts_at_the_username_and_fields_go_in_order(page, site):
    page.goto("/auth/register")
    username = page.get_by_label("Username", exact=True)
    expect(username).to_be_focused()
    expect(username).to_have_attribute("autocomplete", "username")
    order = ["Username", "Email", "Password", "Confirm password"]
    for label, following in zip(order, order[1:], strict=False):
        expect(page.get_by_label(label, exact=True)).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_label(following, exact=True)).to_be_focused()
    expect(page.get_by_label("Email", exact=True)).to_have_attribute("type", "email")


def test_change_password_fields_go_current_new_confirm(page, site):
    site.sign_up_and_login()
    page.goto("/auth/change_password")
    current = page.get_by_label("Current password", exact=True)
    expect(current).to_be_focused()
    expect(current).to_have_attribute("autocomplete", "current-password")
    page.keyboard.press("Tab")
    expect(page.get_by_label("New password", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    confirm = page.get_by_label("Confirm new password", exact=True)
    expect(confirm).to_be_focused()
    expect(confirm).to_have_attribute("autocomplete", "new-password")


def test_sign_up_see_the_banner_confirm_by_email_and_post(page, site, server):
    account = site.register(confirm=False)
    site.login(account.username)
    banner = page.get_by_role("status").filter(has_text="Please confirm your email address")
    expect(banner).to_contain_text(account.email)

    page.get_by_label("Say something").fill("written before confirming")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Please confirm your email address first")
    expect(page.get_by_text("written before confirming")).to_have_count(0)

    link = site.confirmation_link(account)
    assert link.startswith(f"{server.url}/auth/confirm/")
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("your email address is confirmed")
    expect(banner).to_have_count(0)

    page.get_by_label("Say something").fill("my first confirmed post")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Your post is now live!")
    expect(page.get_by_text("my first confirmed post")).to_be_visible()

    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("already confirmed")
