import json
import logging

from flask_babel import force_locale, gettext
from sqlalchemy import event, select

from app.extensions import db, mail
from app.models import Notification, Task, User
from app.tasks.export import export_posts
from tests import mailbox
from tests.conftest import PASSWORD, AuthActions, add_user


def tasks_of(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return [
            (t.name, t.progress, t.complete)
            for t in db.session.scalars(select(Task))
            if t.user_id == user.id
        ]


def progress_notifications(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return [
            n.get_data()
            for n in db.session.scalars(Notification.since(user, 0))
            if n.name == "task_progress"
        ]


def attachment(message):
    (item,) = message.attachments
    assert item.filename == "posts.json"
    assert item.content_type == "application/json"
    return json.loads(item.data)


def test_export_emails_the_posts_as_json(app, client, make_user, auth, add_posts):
    make_user("susan")
    make_user("john")
    expected = add_posts(app, "susan", ["first", "second ✓", 'with "quotes"'])
    add_posts(app, "john", ["not susan's"])
    auth.login("susan")

    with mail.record_messages() as outbox:
        response = client.post("/export_posts")
    assert response.status_code == 302
    assert response.headers["Location"] == "/user/susan"
    assert "they will arrive by email" in client.get("/user/susan").text

    (message,) = outbox
    assert message.recipients == ["susan@example.com"]
    assert message.subject == "[Microblog] Your blog posts"
    assert "archive of your posts" in message.body
    assert attachment(message) == {"posts": expected}
    assert tasks_of(app, "susan") == [("export_posts", 100, True)]
    (progress,) = progress_notifications(app, "susan")
    assert progress["progress"] == 100
    assert progress["description"] == "Exporting posts…"
    assert len(progress["task_id"]) == 36
    assert progress["state"] == "emailed"
    assert progress["message"] == "Your posts were emailed to you."


def test_export_of_many_posts_reports_progress_and_finishes(
    app, client, make_user, auth, add_posts
):
    make_user("susan")
    expected = add_posts(app, "susan", [f"post {n}" for n in range(45)])
    auth.login("susan")
    seen = []

    def record(mapper, connection, notification):
        if notification.name == "task_progress":
            seen.append(notification.get_data()["progress"])

    event.listen(Notification, "before_insert", record)
    try:
        with mail.record_messages() as outbox:
            client.post("/export_posts")
    finally:
        event.remove(Notification, "before_insert", record)
    assert attachment(outbox[0]) == {"posts": expected}
    assert tasks_of(app, "susan") == [("export_posts", 100, True)]
    assert seen[0] == 0 and seen[-1] == 100
    assert seen == sorted(seen)
    assert 10 < len(seen) <= 22


def test_export_with_no_posts(app, client, make_user, auth):
    make_user("susan")
    auth.login("susan")
    with mail.record_messages() as outbox:
        client.post("/export_posts")
    assert attachment(outbox[0]) == {"posts": []}


def test_one_export_at_a_time(app, client, make_user, auth):
    susan = make_user("susan")
    with app.app_context():
        db.session.add(Task(id="running-export", name="export_posts", user_id=susan.id))
        db.session.commit()
    auth.login("susan")

    with mail.record_messages() as outbox:
        response = client.post("/export_posts", follow_redirects=True)
    assert "An export task is currently in progress" in response.text
    assert outbox == []
    assert tasks_of(app, "susan") == [("export_posts", 0, False)]


def test_a_simultaneous_second_export_is_refused_by_the_database(app, client, make_user, auth):
    """The other request's task is committed after this one looked for running tasks: the
    unique running_key, not the look-up, is what refuses the second export."""
    susan = make_user("susan")
    with app.app_context():
        # Invisible to Task.in_progress (marked complete), but still holding the key.
        db.session.add(
            Task(
                id="racing-export",
                name="export_posts",
                user_id=susan.id,
                complete=True,
                running_key=f"{susan.id}:export_posts",
            )
        )
        db.session.commit()
    auth.login("susan")

    with mail.record_messages() as outbox:
        response = client.post("/export_posts", follow_redirects=True)
    assert response.status_code == 200
    assert "An export task is currently in progress" in response.text
    assert outbox == []
    with app.app_context():
        assert db.session.scalars(select(Task.id)).all() == ["racing-export"]


def test_a_finished_export_releases_its_running_key(app, client, make_user, auth):
    make_user("susan")
    auth.login("susan")
    client.post("/export_posts")
    with app.app_context():
        assert db.session.scalars(select(Task.running_key)).all() == [None]


def test_a_finished_export_does_not_block_the_next(app, client, make_user, auth):
    make_user("susan")
    auth.login("susan")
    with mail.record_messages() as outbox:
        client.post("/export_posts")
        client.post("/export_posts")
    assert len(outbox) == 2
    assert tasks_of(app, "susan") == [("export_posts", 100, True)] * 2
    # Only the newest progress is kept.
    assert len(progress_notifications(app, "susan")) == 1


def test_export_is_a_post_behind_csrf(make_app, make_user, csrf_token):
    app = make_app(REDIS_URL=None, WTF_CSRF_ENABLED=True)
    add_user(app)
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    client.post(
        "/auth/login",
        data={"username": "susan", "password": PASSWORD, "csrf_token": token},
    )
    assert client.get("/export_posts").status_code == 405
    with mail.record_messages() as outbox:
        assert client.post("/export_posts").status_code == 400
        assert tasks_of(app, "susan") == []
        profile = client.get("/user/susan")
        client.post("/export_posts", data={"csrf_token": csrf_token(profile)})
    assert len(outbox) == 1


def test_export_needs_a_login(client):
    response = client.post("/export_posts")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_a_mail_failure_is_logged_and_the_task_completes(make_app, free_port, caplog):
    # Nothing listens on free_port: the SMTP connection is refused.
    app = make_app(
        REDIS_URL=None, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port, MAIL_SUPPRESS_SEND=False
    )
    add_user(app)
    client = app.test_client()
    AuthActions(client).login()
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        assert client.post("/export_posts").status_code == 302
    assert "Could not send email '[Microblog] Your blog posts'" in caplog.text
    assert tasks_of(app, "susan") == [("export_posts", 100, True)]


def test_a_missing_task_is_logged(app, caplog):
    with app.app_context(), caplog.at_level(logging.ERROR, logger=app.logger.name):
        export_posts("no-such-task")
    assert "Export task no-such-task does not exist" in caplog.text


def test_progress_area_is_on_the_page_for_the_poller(client, make_user, auth):
    make_user("susan")
    auth.login("susan")
    page = client.get("/index").text
    assert 'id="task-progress"' in page
    assert 'data-notifications="/notifications"' in page


def test_when_redis_is_down_the_export_is_refused_cleanly(make_app, free_port, caplog):
    # Nothing listens on free_port: enqueueing fails with a connection error.
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port}/0")
    add_user(app)
    client = app.test_client()
    AuthActions(client).login()
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.post("/export_posts", follow_redirects=True)
    assert response.status_code == 200
    assert "The export could not be started" in response.text
    assert "Could not start task" in caplog.text
    # The task that never started does not block the next attempt.
    assert tasks_of(app, "susan") == [("export_posts", 0, True)]


def test_an_export_whose_email_fails_ends_in_the_failed_state(make_app, free_port, caplog):
    """A non-ASCII local part and a server without SMTPUTF8: the page must not say it was sent."""
    with mailbox.smtp_server(free_port, enable_SMTPUTF8=False) as inbox:
        app = make_app(
            REDIS_URL=None, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port, MAIL_SUPPRESS_SEND=False
        )
        add_user(app, "xiaoming", email="王xiaoming@example.com", locale="zh_CN")
        client = app.test_client()
        AuthActions(client).login("xiaoming")
        with caplog.at_level(logging.ERROR, logger=app.logger.name):
            client.post("/export_posts")
    assert inbox.messages == []
    assert "王xiaoming@example.com" in caplog.text
    (progress,) = progress_notifications(app, "xiaoming")
    assert progress["progress"] == 100
    assert progress["state"] == "failed"
    assert progress["message"] == "导出失败：无法将你的帖子通过电子邮件发送给你。"
    assert tasks_of(app, "xiaoming") == [("export_posts", 100, True)]


def test_the_export_email_is_in_the_language_of_the_page_that_asked(app, client, make_user, auth):
    # No language picked: the browser's Accept-Language chose the page's, and so the email's.
    make_user("susan")
    auth.login("susan")
    with mail.record_messages() as outbox:
        client.post("/export_posts", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    (message,) = outbox
    with app.app_context(), force_locale("zh_CN"):
        assert message.subject == gettext("[Microblog] Your blog posts")
    assert message.subject != "[Microblog] Your blog posts"
