"""Activities handled after the inbox has answered (without Redis on a thread of the app,
which a test app waits for): once per id however often they are queued; a failure is logged
and not recorded as handled, so the activity is handled when it comes again."""

import logging
import threading

from app.extensions import db
from app.federation.inbox_queue import set_activity_handler
from app.models import InboxActivity, followers
from tests.activitypub.federated.remote import SITE
from tests.activitypub.federated.test_inbox import follow_of, follower_names, taken


def test_the_handling_runs_on_the_inbox_thread_after_the_checks(app, client, make_user, bob):
    make_user("susan")
    threads = []
    handle = app.extensions["federation_inbox_handler"]

    def on_which_thread(activity):
        threads.append(threading.current_thread().name)
        return handle(activity)

    set_activity_handler(app, on_which_thread)
    assert bob.post(client, follow_of(bob)).status_code == 202
    assert len(threads) == 1 and threads[0].startswith("inbox")
    assert len(follower_names(app)) == 1
    # Refused in the request: never queued.
    elsewhere = follow_of(bob) | {"id": "https://elsewhere.example/1"}
    assert bob.post(client, elsewhere).status_code == 400
    assert len(threads) == 1


def test_a_job_queued_again_acts_once(app, client, make_user, bob):
    make_user("susan")
    follow = follow_of(bob)
    assert bob.post(client, follow).status_code == 202
    with app.app_context():
        db.session.execute(followers.delete())  # so that acting again would show
        db.session.commit()
        # A job tried again after it succeeded (a worker killed before it said so).
        assert app.extensions["federation_inbox_handler"](follow) is False
    assert follower_names(app) == [] and taken(app) == 1


def test_a_failed_handling_is_logged_and_handled_when_it_comes_again(
    app, client, make_user, bob, caplog
):
    make_user("susan")
    follow = follow_of(bob)
    with app.app_context():
        followers.drop(db.engine)  # the database fails the handler
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        assert bob.post(client, follow).status_code == 202
    assert f"Could not handle Follow {follow['id']} of {bob.actor}" in caplog.text
    assert "OperationalError" in caplog.text  # the traceback is logged with it
    assert taken(app) == 0  # rolled back with the rest: not recorded as handled
    with app.app_context():
        followers.create(db.engine)
    assert bob.post(client, follow).status_code == 202
    assert len(follower_names(app)) == 1 and taken(app) == 1


def test_an_activity_found_wrong_only_when_handled_is_dropped_once(app, client, bob, caplog):
    update = bob.activity("Update", {"id": bob.actor, "type": "Tomato"})
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        assert bob.post(client, update).status_code == 202
        assert bob.post(client, update).status_code == 202
    assert caplog.text.count(f"Dropped {update['id']}") == 1
    assert taken(app) == 1


def test_the_activities_of_an_account_deleted_meanwhile_are_not_handled(
    app, client, make_user, bob, caplog
):
    make_user("susan")
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202  # bob is remembered
    follow = follow_of(bob)
    assert bob.post(client, bob.activity("Delete", bob.actor)).status_code == 202
    with app.app_context(), caplog.at_level(logging.INFO, logger=app.logger.name):
        # Queued before his account's deletion was handled.
        assert app.extensions["federation_inbox_handler"](follow) is False
        assert InboxActivity.seen(follow["id"]) is False
    assert "its actor is gone" in caplog.text
    assert follower_names(app) == []


def test_a_malformed_activity_is_refused_before_it_is_queued(app, client, make_user, bob):
    make_user("susan")
    queued = []
    set_activity_handler(app, queued.append)
    note = bob.note("<p>hi</p>", attributedTo="https://elsewhere.example/users/carol")
    assert bob.post(client, bob.activity("Create", note)).status_code == 400
    undo = bob.activity("Undo", follow_of(bob) | {"actor": "https://elsewhere.example/u/c"})
    assert bob.post(client, undo).status_code == 400
    assert bob.post(client, bob.activity("Undo", f"{SITE}/x")).status_code == 400
    assert queued == []
