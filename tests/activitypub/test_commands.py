"""`flask users rotate-key NAME`: a user's actor gets a new key pair, the old one is gone; and
`flask federation rotate-site-key` for the site's own actor."""

from sqlalchemy import select

from app.activitypub import instance_actor
from app.extensions import db
from app.models import ActorKey, InstanceKey, User
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


def site_keys(app) -> list[tuple[str, str]]:
    with app.app_context():
        query = select(InstanceKey.private_key_pem, InstanceKey.public_key_pem)
        return [tuple(row) for row in db.session.execute(query)]


def test_rotate_site_key(app_on_each_database):
    app = app_on_each_database
    runner = app.test_cli_runner()
    # Before the site has a key: the command makes its first.
    result = runner.invoke(args=["federation", "rotate-site-key"])
    assert result.exit_code == 0, result.output
    assert "The site's actor has a new key." in result.output
    (first,) = site_keys(app)
    assert runner.invoke(args=["federation", "rotate-site-key"]).exit_code == 0
    (second,) = site_keys(app)  # still one row, both halves new
    assert first[0] != second[0] and first[1] != second[1]
    with app.app_context():  # what signs our fetches and what /actor publishes
        key = instance_actor.instance_key()
        assert (key.private_key_pem, key.public_key_pem) == second
