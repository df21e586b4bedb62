import pytest
from sqlalchemy import create_engine, func, insert, select

from app.auth.forms import RegistrationForm
from app.extensions import db
from app.models import User


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
    assert 'name="password2"' in response.text


def test_register_creates_lower_case_account(app, client):
    response = register(client, username="Alice.B-1", email="Alice@Example.COM")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "you are now a registered user" in client.get("/auth/login").text

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
        ("bob", "SUSAN@example.COM", "a good password", None, "use a different email address"),
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
