"""`flask users rotate-key NAME`: a user's actor gets a new key pair, the old one is gone."""

from sqlalchemy import select

from app.extensions import db
from app.models import ActorKey, User
from tests.activitypub.conftest import remember_bob
from tests.conftest import add_user


def keys_of(app, name: str) -> list[str]:
    with app.app_context():
        user = db.session.scalar(User.by_username(name))
        query = select(ActorKey.public_key_pem).where(ActorKey.user_id == user.id)
        return list(db.session.scalars(query))


def test_rotate_key(app_on_each_database):
    app = app_on_each_database
    add_user(app, "susan")
    with app.app_context():
        db.session.scalar(User.by_username("susan")).signing_key()
        db.session.commit()
    (before,) = keys_of(app, "susan")
    result = app.test_cli_runner().invoke(args=["users", "rotate-key", "Susan"])
    assert result.exit_code == 0, result.output
    assert "susan has a new key." in result.output
    (after,) = keys_of(app, "susan")
    assert after != before
    with app.app_context():
        assert db.session.scalar(User.by_username("susan")).public_key_pem() == after


def test_rotate_key_refuses_anyone_not_of_this_site(app_on_each_database):
    app = app_on_each_database
    with app.app_context():
        remember_bob()
        db.session.commit()
    runner = app.test_cli_runner()
    for name in ("nobody", "bob@remote.example"):
        result = runner.invoke(args=["users", "rotate-key", name])
        assert result.exit_code == 1
        assert "No user of this site" in result.output
