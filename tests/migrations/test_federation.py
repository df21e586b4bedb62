"""Migration 0022: user.email may be NULL (remote accounts), user.approve_followers is off for
everyone, and remote_actor, actor_key and follow_request rows go with their user; the
downgrade removes the remote accounts, which the older schema cannot hold, and keeps the
local ones."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.databases import insert_users, user_table

WHEN = dt.datetime(2026, 12, 1, 2, 3, 4)
TABLES = {"remote_actor", "actor_key", "follow_request", "inbox_activity"}


def test_up_and_down(app, scripts):
    before = scripts.get_revision("0022").down_revision
    with app.app_context():
        flask_migrate.upgrade(revision=before)
        with db.engine.begin() as connection:
            insert_users(connection, {"susan": WHEN, "john": WHEN})
        flask_migrate.upgrade(revision="0022")
        assert set(sa.inspect(db.engine).get_table_names()) >= TABLES

        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine, only=["user", *TABLES])
        tables = metadata.tables
        users = tables["user"]
        with db.engine.begin() as connection:
            assert connection.execute(sa.select(users.c.approve_followers)).scalars().all() == [
                False, False,
            ]  # fmt: skip
            connection.execute(users.insert().values(
                username="bob@remote.example", username_skeleton="bob@remote.example",
                email=None, created_at=WHEN, last_seen=WHEN))  # fmt: skip
            ids = dict(connection.execute(sa.select(users.c.username, users.c.id)).all())
            bob, susan, john = ids["bob@remote.example"], ids["susan"], ids["john"]
            connection.execute(tables["remote_actor"].insert().values(
                user_id=bob, uri="https://remote.example/users/bob",
                inbox="https://remote.example/users/bob/inbox", public_key_pem="KEY",
                key_id="https://remote.example/users/bob#main-key", fetched_at=WHEN))  # fmt: skip
            for owner in (susan, john):
                key = {"private_key_pem": "P", "public_key_pem": "K", "created_at": WHEN}
                connection.execute(tables["actor_key"].insert().values(user_id=owner, **key))
            connection.execute(tables["follow_request"].insert().values(
                follower_id=bob, followed_id=susan, created_at=WHEN,
                activity_uri="https://remote.example/follows/1"))  # fmt: skip
            connection.execute(tables["inbox_activity"].insert().values(
                activity_id="https://remote.example/follows/1", received_at=WHEN))  # fmt: skip

        # One remote actor per URI, one request per pair, one row per activity.
        duplicates = [
            ("remote_actor", {"user_id": john, "uri": "https://remote.example/users/bob",
                              "inbox": "i", "public_key_pem": "K", "key_id": "k",
                              "fetched_at": WHEN}),
            ("follow_request", {"follower_id": bob, "followed_id": susan, "created_at": WHEN}),
            ("inbox_activity", {"activity_id": "https://remote.example/follows/1",
                                "received_at": WHEN}),
        ]  # fmt: skip
        for name, row in duplicates:
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
                connection.execute(tables[name].insert().values(**row))

        with db.engine.begin() as connection:
            connection.execute(users.delete().where(users.c.id == john))
        with db.engine.connect() as connection:
            owners = connection.execute(sa.select(tables["actor_key"].c.user_id)).scalars()
            assert owners.all() == [susan]

        # What the remote account has done here goes with it on the way down.
        metadata.reflect(bind=db.engine, only=["post", "like", "followers"])
        post, like, follows = (tables[name] for name in ("post", "like", "followers"))
        with db.engine.begin() as connection:
            bobs = connection.execute(post.insert().values(
                body="from afar", timestamp=WHEN, user_id=bob)).inserted_primary_key[0]  # fmt: skip
            connection.execute(post.insert().values(
                body="a reply", timestamp=WHEN, user_id=susan, in_reply_to_id=bobs,
                is_reply=True))  # fmt: skip
            connection.execute(like.insert().values(user_id=susan, post_id=bobs, timestamp=WHEN))
            connection.execute(follows.insert().values(follower_id=bob, followed_id=susan))

        flask_migrate.downgrade(revision=before)
        with db.engine.connect() as connection:
            posts = connection.execute(sa.select(post.c.user_id, post.c.in_reply_to_id)).all()
            assert [tuple(row) for row in posts] == [(susan, None)]
            assert connection.execute(sa.select(like.c.id)).all() == []
            assert connection.execute(sa.select(follows.c.follower_id)).all() == []
        assert not TABLES & set(sa.inspect(db.engine).get_table_names())
        users = user_table()
        assert "approve_followers" not in users.c
        assert not users.c.email.nullable
        with db.engine.connect() as connection:
            names = connection.execute(sa.select(users.c.username)).scalars().all()
        assert names == ["susan"]

        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(sa.func.count()).select_from(users)).scalar() == 1
