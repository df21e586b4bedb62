import re

import pytest
from sqlalchemy import create_engine, func, insert, select

from app.auth.forms import RegistrationForm
from app.extensions import db, mail
from app.models import User

SENT = "We have sent an email to that address: it tells you how to sign in."


def register(client, username="alice", email=None, password="a good password", password2=None):
    return client.post(
        "/auth/register",
        data={
            "username": username,
            "email": email or f"{username}@example.com",
            "password": password,
            "password2": password if password2 is None else password2,
        },
    )


def user_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_register_page(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    inputs = re.findall(r"<input [^>]*>", response.text)
    visible = [tag for tag in inputs if 'type="hidden"' not in tag and 'type="submit"' not in tag]
    assert [re.search(r'name="(\w+)"', tag).group(1) for tag in visible] == [
        "username",
        "email",
        "password",
        "password2",
    ]
    assert "autofocus" in visible[0] and 'autocomplete="username"' in visible[0]
    assert 'type="email"' in visible[1] and 'autocomplete="email"' in visible[1]
    assert all('autocomplete="new-password"' in tag for tag in visible[2:])


def test_register_creates_lower_case_account(app, client):
    with mail.record_messages() as outbox:
        response = register(client, username="Alice.B-1", email="Alice@Example.COM")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert SENT in client.get("/auth/login").text
    assert [(m.recipients, m.subject) for m in outbox] == [
        (["alice@example.com"], "[Microblog] Welcome to Microblog")
    ]
    assert "http://localhost/auth/confirm/" in outbox[0].body

    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.username, user.email) == ("alice.b-1", "alice@example.com")
        assert user.password_hash.startswith("$argon2id$")
        assert user.check_password("a good password")


@pytest.mark.parametrize(
    ("username", "email", "password", "password2", "error"),
    [
        ("", "a@example.com", "a good password", None, "This field is required."),
        ("ab", "a@example.com", "a good password", None, "Use at least 3 characters"),
        ("a" * 65, "a@example.com", "a good password", None, "longer than 64 characters"),
        ("bad name", "a@example.com", "a good password", None, "Use only letters, digits"),
        ("bad!name", "a@example.com", "a good password", None, "Use only letters, digits"),
        ("<script>", "a@example.com", "a good password", None, "Use only letters, digits"),
        ("bob", "not-an-email", "a good password", None, "Invalid email address."),
        ("bob", "bob@", "a good password", None, "Invalid email address."),
        ("bob", "bob@example", "a good password", None, "Invalid email address."),
        ("bob", "", "a good password", None, "This field is required."),
        ("bob", "bob@example.com", "short7!", None, "between 8 and 256 characters"),
        ("longname1", "bob@example.com", "LongName1", None, "must not be your username"),
        ("bob", "bob@example.com", "a good password", "a bad password", "Passwords must match."),
        ("SUSAN", "new@example.com", "a good password", None, "Please use a different username."),
        ("Susan", "new@example.com", "a good password", None, "Please use a different username."),
    ],
)
def test_register_validation(app, client, make_user, username, email, password, password2, error):
    make_user("susan")
    response = client.post(
        "/auth/register",
        data={
            "username": username,
            "email": email,
            "password": password,
            "password2": password if password2 is None else password2,
        },
    )
    assert response.status_code == 200
    assert error in response.text
    assert user_count(app) == 1


def test_logged_in_user_is_sent_home(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/auth/register").headers["Location"] == "/index"


def test_register_race_loses_gracefully(make_app, tmp_path, monkeypatch):
    """Another request takes the name between our validation and our commit."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    other = create_engine(url)
    validate = RegistrationForm.validate_on_submit

    def validate_then_lose_race(form, *args, **kwargs):
        valid = validate(form, *args, **kwargs)
        with other.begin() as connection:
            connection.execute(
                insert(User.__table__).values(
                    username="alice", email="first@example.com", password_hash="x"
                )
            )
        return valid

    monkeypatch.setattr(RegistrationForm, "validate_on_submit", validate_then_lose_race)
    response = register(app.test_client(), username="Alice")
    other.dispose()

    assert response.status_code == 200
    assert "Please use a different username." in response.text
    with app.app_context():
        assert db.session.scalars(select(User.email)).all() == ["first@example.com"]


def test_a_taken_email_gets_the_same_answer_and_its_owner_an_email(app, make_user):
    """Signing up with an address that has an account answers as a new one does (web page
    and all), creates nothing, and tells the address's owner, with links to log in or reset."""
    make_user("susan")
    new, taken = app.test_client(), app.test_client()
    new_response = register(new, username="bob", email="bob@example.com")
    with mail.record_messages() as outbox:
        taken_response = register(taken, username="carol", email="SUSAN@example.com")

    assert taken_response.status_code == new_response.status_code == 302
    assert taken_response.headers["Location"] == new_response.headers["Location"]
    assert taken.get("/auth/login").text == new.get("/auth/login").text
    assert user_count(app) == 2  # susan and bob
    [message] = outbox
    assert message.recipients == ["susan@example.com"]
    assert message.subject == "[Microblog] Someone tried to sign up with your email address"
    for body in (message.body, message.html):
        assert "susan" in body
        assert "http://localhost/auth/login" in body
        assert "http://localhost/auth/reset_password_request" in body


def test_both_answers_cost_a_password_hash(app, client, make_user, monkeypatch):
    """A taken address skips the insert but not the slow part, the hashing."""
    make_user("susan")
    hashed = []
    set_password = User.set_password
    monkeypatch.setattr(
        User,
        "set_password",
        lambda user, password: hashed.append(1) or set_password(user, password),
    )
    register(client, username="bob", email="bob@example.com")
    register(client, username="carol", email="susan@example.com")
    assert hashed == [1, 1]
