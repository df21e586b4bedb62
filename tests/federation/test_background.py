"""Federation's background jobs (app/federation/background.py): queued only once the
session commits, or at once once per claim; run on this process's threads without Redis."""

import logging

from app.extensions import db
from app.federation.background import run_after_commit, run_claimed
from app.models import User

ran: list[tuple] = []


def record(*args) -> None:
    ran.append(args)


def fail() -> None:
    raise RuntimeError("the job broke")


def test_a_job_runs_once_the_session_commits(app):
    ran.clear()
    with app.app_context():
        run_after_commit(record, 1, "a", url="https://files.example/a.jpg")
        db.session.add(User(username="susan", email="susan@example.com"))
        db.session.flush()
        assert ran == []
        db.session.commit()
        assert ran == [(1, "a")]
        db.session.commit()  # once only
    assert ran == [(1, "a")]


def test_a_rolled_back_transaction_leaves_no_job(app):
    ran.clear()
    with app.app_context():
        run_after_commit(record, 1, url="https://files.example/a.jpg")
        db.session.rollback()
        db.session.commit()
    assert ran == []


def test_a_savepoint_rolled_back_keeps_the_outer_transactions_jobs(app):
    ran.clear()
    with app.app_context():
        run_after_commit(record, "outer", url="https://files.example/a.jpg")
        with db.session.begin_nested() as savepoint:
            db.session.add(User(username="susan", email="susan@example.com"))
            savepoint.rollback()
        db.session.commit()
    assert ran == [("outer",)]


def test_a_failing_job_is_logged(app, caplog):
    with app.app_context(), caplog.at_level(logging.ERROR):
        run_after_commit(fail, url="https://files.example/a.jpg")
        db.session.commit()
    assert "Federation job fail failed" in caplog.text
    assert "the job broke" in caplog.text


class BrokenFirst:
    """A runner that cannot take its first job (it raises), and runs the others here."""

    def __init__(self, app) -> None:
        self.app = app
        self.calls = 0

    def submit(self, kind, jobs) -> None:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("cannot schedule new futures after shutdown")
        for job in jobs:
            job.function(*job.args)


def test_a_job_that_cannot_be_queued_costs_the_others_nothing(app, monkeypatch, caplog):
    ran.clear()
    monkeypatch.setitem(app.extensions, "federation_jobs", BrokenFirst(app))
    with app.app_context(), caplog.at_level(logging.ERROR):
        for n in range(3):
            run_after_commit(record, n, url=f"https://files.example/{n}.jpg")
        db.session.add(User(username="susan", email="susan@example.com"))
        db.session.commit()
        assert db.session.scalar(db.select(User.username)) == "susan"
    assert ran == [(1,), (2,)]
    assert "Could not queue federation job record from https://files.example/0.jpg" in caplog.text
    assert "cannot schedule new futures" in caplog.text


def test_without_redis_reachable_the_job_runs_here(make_app, caplog):
    app = make_app(REDIS_URL="redis://127.0.0.1:9/0")  # nothing listens on the discard port
    ran.clear()
    with app.app_context(), caplog.at_level(logging.WARNING):
        run_after_commit(record, 2, url="https://files.example/a.jpg")
        db.session.commit()
    assert ran == [(2,)]
    assert "Redis is unreachable: running record here" in caplog.text
    app.extensions["federation_jobs"].connection.close()


def test_a_claim_runs_one_job_while_it_holds(app, caplog):
    ran.clear()
    url = "https://remote.example/users/bob"
    with app.app_context():
        assert run_claimed("a", 3600, record, "one", url=url)
        assert not run_claimed("a", 3600, record, "two", url=url)
        assert run_claimed("b", 0, record, "three", url=url)
        assert run_claimed("b", 0, record, "four", url=url)
        with caplog.at_level(logging.ERROR):
            assert run_claimed("c", 3600, fail, url=url)
    assert ran == [("one",), ("three",), ("four",)]
    assert "Federation job fail failed" in caplog.text
