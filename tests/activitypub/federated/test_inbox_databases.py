"""The inbox on each database the site runs on (a SQLite file, and the PostgreSQL and MariaDB
servers of TEST_POSTGRES_URL and TEST_MYSQL_URL, skipped with the reason without them), on
the schema the migrations make: a Follow, Create and Delete round, and each activity acting
once, however often it is delivered, and when two jobs handle it at the same moment."""

import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Alert, InboxActivity, Post, RemoteActor, Tombstone, User, followers
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


def handled_across(app, first: dict, second: dict) -> None:
    """Handle `first` as a job does; just before it commits, another job handles `second` to
    the end: each reads the database before the other's work is in it."""
    handle = app.extensions["federation_inbox_handler"]
    own, crossed = threading.current_thread(), []

    def other_job() -> None:
        with app.app_context():
            crossed.append(handle(second))

    def before_commit(session) -> None:
        if threading.current_thread() is own and not crossed:
            job = threading.Thread(target=other_job)
            job.start()
            job.join()

    event.listen(Session, "before_commit", before_commit)
    try:
        with app.app_context():
            assert handle(first)
    finally:
        event.remove(Session, "before_commit", before_commit)
    assert crossed == [True]


@pytest.mark.parametrize("last", ["Create", "Delete"])
def test_a_delete_crossing_its_create_leaves_no_post(
    app, client, make_user, bob, last, database_url
):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite takes one writer at a time: two jobs cannot cross there")
    make_user("susan")
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202  # bob is remembered
    mention = {"type": "Mention", "href": f"{SITE}/users/susan"}
    note = bob.note("<p>said and unsaid at once, susan</p>", tag=[mention])
    create = bob.activity("Create", note, to=[PUBLIC])
    delete = bob.activity("Delete", {"id": note["id"], "type": "Tombstone"}, to=[PUBLIC])
    first, second = (delete, create) if last == "Delete" else (create, delete)
    handled_across(app, first, second)
    assert count(app, Tombstone) == 1
    assert count(app, Post) == 0
