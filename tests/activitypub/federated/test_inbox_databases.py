"""The inbox on each database the site runs on (a SQLite file, and the PostgreSQL and MariaDB
servers of TEST_POSTGRES_URL and TEST_MYSQL_URL, skipped with the reason without them), on
the schema the migrations make: a Follow, Create and Delete round, and each activity acting
once, however often it is delivered, and when two jobs handle it at the same moment."""

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Alert, InboxActivity, Post, RemoteActor, User, followers
from tests.activitypub.federated.remote import PUBLIC, SETTINGS, SITE, trust
from tests.databases import ROOT, migrated_app


@pytest.fixture
def app(database_url, monkeypatch):
    monkeypatch.chdir(ROOT)  # Flask-Migrate finds migrations/ from there
    with migrated_app(database_url, **SETTINGS) as app:
        yield app


def count(app, table) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(table))


def test_a_follow_create_and_delete_round(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    follow = bob.activity("Follow", f"{SITE}/users/susan")
    assert bob.post(client, follow).status_code == 202
    [(_, _, accept)] = bob.inbox.delivered
    assert accept["type"] == "Accept" and accept["object"]["id"] == follow["id"]

    mention = {"type": "Mention", "href": f"{SITE}/users/susan"}
    note = bob.note("<p>hello <b>susan</b></p>", tag=[mention])
    create = bob.activity("Create", note, to=[PUBLIC])
    for _ in range(2):  # delivered again: acts once
        assert bob.post(client, create).status_code == 202
    with app.app_context():
        (post,) = db.session.scalars(select(Post))
        assert (post.uri, post.body, post.author.username) == (
            note["id"],
            "hello susan",
            RemoteActor.by_uri(bob.actor).user.username,
        )
    assert count(app, Alert) == 1

    tombstone = {"id": note["id"], "type": "Tombstone"}
    assert bob.post(client, bob.activity("Delete", tombstone, to=[PUBLIC])).status_code == 202
    assert count(app, Post) == 0
    assert bob.post(client, bob.activity("Delete", bob.actor)).status_code == 202
    with app.app_context():
        assert RemoteActor.by_uri(bob.actor) is None
        assert db.session.scalars(select(User.username)).all() == ["susan"]
    assert count(app, followers) == 0
    assert count(app, InboxActivity) == 4


def test_two_jobs_of_one_activity_at_the_same_moment_act_once(app, client, make_user, bob):
    make_user("susan")
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202  # bob is remembered
    follow = bob.activity("Follow", f"{SITE}/users/susan")
    handle = app.extensions["federation_inbox_handler"]
    start, done = threading.Barrier(2), []

    def job() -> None:
        with app.app_context():
            start.wait()
            done.append(handle(follow))

    jobs = [threading.Thread(target=job) for _ in range(2)]
    for thread in jobs:
        thread.start()
    for thread in jobs:
        thread.join()
    assert sorted(done) == [False, True]
    assert count(app, followers) == 1
    assert count(app, InboxActivity) == 2
