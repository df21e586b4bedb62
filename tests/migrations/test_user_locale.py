"""Migration 0010 gives existing users no chosen language (the browser's), and undoes cleanly."""

import datetime as dt

import flask_migrate
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users, user_table

NOW = dt.datetime(2026, 1, 2, 3, 4, 5)


def test_existing_users_have_no_choice_until_they_pick_and_downgrade_keeps_them(app, scripts):
    before = scripts.get_revision("0010").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": NOW, "mike": NOW})

        flask_migrate.upgrade(revision="0010")
        user = user_table()
        with db.engine.begin() as connection:
            rows = dict(connection.execute(sa.select(user.c.username, user.c.locale)).all())
            assert rows == {"susan": None, "mike": None}
            connection.execute(user.update().where(user.c.username == "susan").values(locale="es"))
            assert (
                connection.scalar(sa.select(user.c.locale).where(user.c.username == "susan"))
                == "es"
            )

        flask_migrate.downgrade(revision=before)
        assert "locale" not in {c["name"] for c in sa.inspect(db.engine).get_columns("user")}
        with db.engine.connect() as connection:
            names = connection.execute(sa.select(user_table().c.username)).scalars().all()
        assert sorted(names) == ["mike", "susan"]
