"""Migration 0009 gives every existing user the skeleton of their name, and undoes cleanly."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from app.models.username import skeleton
from tests.databases import user_table

NAMES = ["susan", "аlice", "0scar", "小红2026", "mike"]
NOW = dt.datetime(2026, 1, 2, 3, 4, 5)


def test_upgrade_fills_every_skeleton_and_downgrade_removes_it(app, scripts):
    before = scripts.get_revision("0009").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            connection.execute(
                user_table().insert(),
                [
                    {"username": n, "email": f"{n}@x.org", "created_at": NOW, "last_seen": NOW}
                    for n in NAMES
                ],
            )

        flask_migrate.upgrade(revision="0009")
        user = user_table()
        with db.engine.connect() as connection:
            rows = dict(
                connection.execute(sa.select(user.c.username, user.c.username_skeleton)).all()
            )
        assert rows == {name: skeleton(name) for name in NAMES}
        assert rows["аlice"] == "alice" and rows["0scar"] == "oscar" and rows["mike"] == "rnike"
        indexes = {i["name"]: i["column_names"] for i in sa.inspect(db.engine).get_indexes("user")}
        assert indexes["ix_user_username_skeleton"] == ["username_skeleton"]

        flask_migrate.downgrade(revision=before)
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("user")}
        assert "username_skeleton" not in columns
        with db.engine.connect() as connection:
            names = connection.execute(sa.select(user_table().c.username)).scalars().all()
        assert sorted(names) == sorted(NAMES)
