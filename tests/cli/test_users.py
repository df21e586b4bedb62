"""`flask users promote NAME` and `flask users demote NAME`: admins, logged."""

from app.extensions import db
from app.models import ModerationLog, User
from tests.conftest import add_user


def is_admin(app, name: str) -> bool:
    with app.app_context():
        return db.session.scalar(User.by_username(name)).is_admin


def test_promote_and_demote(app_on_each_database):
    app = app_on_each_database
    runner = app.test_cli_runner()
    add_user(app, "susan")
    result = runner.invoke(args=["users", "promote", "Susan"])
    assert result.exit_code == 0, result.output
    assert "susan is now an admin." in result.output and is_admin(app, "susan")
    assert "already" in runner.invoke(args=["users", "promote", "susan"]).output
    result = runner.invoke(args=["users", "demote", "susan"])
    assert "susan is no longer an admin." in result.output and not is_admin(app, "susan")
    with app.app_context():
        log = db.session.scalars(ModerationLog.newest_first()).all()
        assert [entry.action for entry in log] == ["demote", "promote"]
        assert log[0].target_user == "susan" and log[0].moderator == "(flask users)"


def test_an_unknown_name_is_an_error(app_on_each_database):
    result = app_on_each_database.test_cli_runner().invoke(args=["users", "promote", "nobody"])
    assert result.exit_code != 0 and "No user is named 'nobody'." in result.output
