import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import User


def test_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Not found" in response.text
    assert "<nav" in response.text


def test_405_page(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "405 Method Not Allowed" in response.text


@pytest.fixture
def failing_app(make_app, make_user):
    """An app with routes that change the database and then fail."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/add-then-fail")
    def add_then_fail():
        db.session.add(User(username="ghost", email="ghost@example.com"))
        db.session.flush()
        raise RuntimeError("boom")

    @app.route("/clash")
    def clash():
        db.session.add(User(username="ghost", email="ghost@example.com"))
        db.session.commit()
        db.session.add(User(username="ghost", email="ghost2@example.com"))
        db.session.flush()

    return app


def users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_500_page_rolls_back(failing_app, caplog):
    response = failing_app.test_client().get("/add-then-fail")
    assert response.status_code == 500
    assert "An unexpected error has occurred" in response.text
    assert users(failing_app) == 0
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_500_page_after_failed_flush(failing_app, caplog):
    response = failing_app.test_client().get("/clash")
    assert response.status_code == 500
    assert "An unexpected error has occurred" in response.text
    assert users(failing_app) == 1


def test_500_handler_leaves_a_usable_session(failing_app, caplog):
    """After the rollback, the handler (and anything after it) can use the database again."""
    seen = []

    @failing_app.after_request
    def query_after_error(response):
        seen.append(db.session.scalar(select(func.count()).select_from(User)))
        return response

    assert failing_app.test_client().get("/clash").status_code == 500
    assert seen == [1]


def test_database_behind_migrations_is_503(tmp_path, caplog):
    # Tables missing: the state of a fresh checkout before `flask db upgrade`.
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "susan", "password": "x" * 10})
    assert response.status_code == 503
    assert "flask db upgrade" in response.text
    assert "Database error" in caplog.text
    # Pages that do not need the database keep working.
    assert client.get("/auth/login").status_code == 200


def test_database_down_is_503(tmp_path, caplog):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing-dir' / 'app.db'}",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    response = app.test_client().post(
        "/auth/login", data={"username": "susan", "password": "x" * 10}
    )
    assert response.status_code == 503
    assert "briefly unavailable" in response.text
    assert "flask db upgrade" not in response.text
