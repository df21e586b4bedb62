def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_logged_in_user_sees_home(client, auth, make_user):
    make_user()
    auth.login()
    assert "Hi, susan!" in client.get("/").text
