"""The account settings page."""


def test_settings_need_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_settings_link_every_section(client, auth, make_user):
    make_user("susan")
    auth.login()
    page = client.get("/account/").text
    assert 'href="/edit_profile"' in page
    assert 'href="/auth/change_password"' in page


def test_own_profile_links_to_settings(client, auth, make_user):
    make_user("susan")
    auth.login()
    assert 'href="/account/"' in client.get("/user/susan").text
    make_user("john")
    assert 'href="/account/"' not in client.get("/user/john").text
