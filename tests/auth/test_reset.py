import re
import socket
import statistics
import time

import pytest
from flask import template_rendered

from app.extensions import db, mail
from app.models import User
from tests.conftest import add_user

PASSWORD = "correct horse"  # the make_user default
NEW_PASSWORD = "battery staple"
LINK = re.compile(r"http://localhost/auth/reset_password/([\w.-]+)")


def request_reset(client, email):
    with mail.record_messages() as outbox:
        response = client.post("/auth/reset_password_request", data={"email": email})
    return response, outbox


def reset_message(client, email="susan@example.com"):
    response, outbox = request_reset(client, email)
    assert len(outbox) == 1
    return outbox[0]


def reset_token(client, email="susan@example.com"):
    return LINK.search(reset_message(client, email).body).group(1)


def open_link(client, token):
    return client.get(f"/auth/reset_password/{token}")


def set_password(client, password=NEW_PASSWORD):
    with mail.record_messages() as outbox:
        response = client.post(
            "/auth/reset_password", data={"password": password, "password2": password}
        )
    return response, outbox


def can_log_in(app, password, login="susan"):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": login, "password": password})
    return response.status_code == 302


def test_request_page(client):
    assert client.get("/auth/reset_password_request").status_code == 200


@pytest.mark.parametrize("email", ["susan@example.com", "SUSAN@Example.com", " susan@example.com"])
def test_request_sends_one_mail_with_absolute_link(client, make_user, email):
    make_user()
    response, outbox = request_reset(client, email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert len(outbox) == 1
    message = outbox[0]
    assert message.recipients == ["susan@example.com"]
    assert "Reset Your Password" in message.subject
    token = LINK.search(message.body).group(1)
    assert f'href="http://localhost/auth/reset_password/{token}"' in message.html


def test_unknown_email_gets_the_same_answer_and_no_mail(make_user, app):
    make_user()
    known, unknown = app.test_client(), app.test_client()
    known_response, known_outbox = request_reset(known, "susan@example.com")
    unknown_response, unknown_outbox = request_reset(unknown, "nobody@example.com")

    assert unknown_outbox == []
    assert unknown_response.status_code == known_response.status_code == 302
    assert unknown_response.headers["Location"] == known_response.headers["Location"]
    unknown_page = unknown.get("/auth/login").text
    assert "If an account has this address, it will get an email" in unknown_page
    assert unknown_page == known.get("/auth/login").text


def test_request_form_validates_email(client, make_user):
    make_user()
    with mail.record_messages() as outbox:
        response = client.post("/auth/reset_password_request", data={"email": "susan"})
    assert response.status_code == 200
    assert "Invalid email address." in response.text
    assert outbox == []


def test_link_moves_token_into_session(client, make_user):
    make_user()
    token = reset_token(client)
    response = open_link(client, token)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/reset_password"
    with client.session_transaction() as session:
        assert session["reset_token"] == token
    page = client.get("/auth/reset_password")
    assert page.status_code == 200
    assert token not in page.text
    assert 'name="password2"' in page.text


def test_reset_sets_new_password(app, client, make_user):
    make_user()
    open_link(client, reset_token(client))
    response, outbox = set_password(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "Your password has been reset" in client.get("/auth/login").text
    assert [m.subject for m in outbox] == ["[Microblog] Your password was changed"]
    assert outbox[0].recipients == ["susan@example.com"]
    # Resetting does not log anyone in: the user signs in with the new password.
    assert client.get("/index").headers["Location"].startswith("/auth/login")
    with client.session_transaction() as session:
        assert "reset_token" not in session
    assert not can_log_in(app, PASSWORD)
    assert can_log_in(app, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "password2", "error"),
    [
        ("short", "short", "between 8 and 256 characters"),
        ("susan", "susan", "between 8 and 256 characters"),
        ("SusanSusan", "SusanSusan", "must not be your username"),
        (NEW_PASSWORD, "something else", "Passwords must match."),
    ],
)
def test_reset_validates_new_password(app, make_user, password, password2, error):
    make_user("susansusan", email="susan@example.com")
    client = app.test_client()
    open_link(client, reset_token(client))
    response = client.post(
        "/auth/reset_password", data={"password": password, "password2": password2}
    )
    assert response.status_code == 200
    assert error in response.text
    assert can_log_in(app, PASSWORD, login="susansusan")


def test_link_works_only_once(app, client, make_user):
    make_user()
    token = reset_token(client)
    open_link(client, token)
    set_password(client)

    again = app.test_client()
    open_link(again, token)
    response, outbox = set_password(again, "a third password")
    assert response.status_code == 400
    assert "Invalid or expired link" in response.text
    assert outbox == []
    assert can_log_in(app, NEW_PASSWORD)


def test_link_dies_when_password_changes_meanwhile(app, client, auth, make_user):
    make_user()
    token = reset_token(client)
    auth.login()
    client.post(
        "/auth/change_password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    auth.logout()

    open_link(client, token)
    response = client.get("/auth/reset_password")
    assert response.status_code == 400
    assert "Invalid or expired link" in response.text
    with client.session_transaction() as session:
        assert "reset_token" not in session


def test_reset_page_without_token_is_invalid(client):
    response = client.get("/auth/reset_password")
    assert response.status_code == 400
    assert "Request a new link" in response.text


def test_logged_in_user_is_sent_home(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/auth/reset_password_request").headers["Location"] == "/index"
    assert client.get("/auth/reset_password").headers["Location"] == "/index"


def test_reset_ends_other_sessions(app, make_user):
    make_user()
    elsewhere = app.test_client()
    elsewhere.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    remembered = app.test_client()
    remembered.post(
        "/auth/login", data={"username": "susan", "password": PASSWORD, "remember_me": "y"}
    )
    remembered.delete_cookie("session")
    # The remember-me cookie alone logs in, until the password changes.
    assert remembered.get("/").status_code == 200
    remembered.delete_cookie("session")
    assert elsewhere.get("/").status_code == 200

    client = app.test_client()
    open_link(client, reset_token(client))
    set_password(client)

    assert elsewhere.get("/index").headers["Location"].startswith("/auth/login")
    assert remembered.get("/index").headers["Location"].startswith("/auth/login")


def test_reset_for_deleted_user_is_refused(app, client, make_user):
    make_user()
    token = reset_token(client)
    with app.app_context():
        db.session.delete(db.session.get(User, 1))
        db.session.commit()
    open_link(client, token)
    assert client.get("/auth/reset_password").status_code == 400


@pytest.mark.timing
def test_known_and_unknown_emails_take_about_the_same_time(make_app):
    """The mail goes out in the background: even an SMTP server that never answers does not
    make a known address slower to request than an unknown one (no enumeration by timing)."""
    with socket.socket() as silent:
        # Accepts connections (the kernel's backlog) but never says a word.
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        app = make_app(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=silent.getsockname()[1],
            MAIL_SUPPRESS_SEND=False,
            MAIL_ASYNC=True,
            MAIL_TIMEOUT=1,
        )
        add_user(app)
        client = app.test_client()

        def median_seconds(email):
            times = []
            for _ in range(3):
                start = time.perf_counter()
                assert request_reset(client, email)[0].status_code == 302
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        median_seconds("nobody@example.com")  # warm up templates and caches
        known = median_seconds("susan@example.com")
        unknown = median_seconds("nobody@example.com")
        app.extensions["mail_executor"].shutdown(wait=True)
    # A request that waited for the SMTP server would take MAIL_TIMEOUT (1 s) longer: half
    # of it is a margin no load on the test machine comes near.
    assert known < unknown + 0.5, (known, unknown)


def test_known_and_unknown_addresses_cost_the_request_the_same_work(app, make_user, monkeypatch):
    """A token, both templates and one hand-off to the mail sender on either path; only the
    known address's message is sent. Structural, not timed: a loaded machine cannot skew it."""
    import app.email as email_module

    make_user()
    work = []
    make_token = User.get_reset_password_token
    deliver = email_module._deliver
    monkeypatch.setattr(
        User, "get_reset_password_token", lambda user: work.append("token") or make_token(user)
    )
    monkeypatch.setattr(
        email_module, "_deliver", lambda *args: work.append("hand-off") or deliver(*args)
    )

    def record(sender, template, context, **extra):
        work.append(template.name)

    def work_for(email):
        work.clear()
        with template_rendered.connected_to(record, app):
            response, outbox = request_reset(app.test_client(), email)
        assert response.status_code == 302
        return list(work), outbox

    known, sent = work_for("susan@example.com")
    unknown, dropped = work_for("nobody@example.com")
    expected = ["token", "email/reset_password.txt", "email/reset_password.html", "hand-off"]
    assert known == unknown == expected
    assert len(sent) == 1 and dropped == []


@pytest.mark.parametrize(
    ("ttl", "said"),
    [(37, "37 seconds"), (1, "1 second"), (60, "1 minute"), (90, "1 minute"), (600, "10 minutes")],
)
def test_email_says_how_long_the_link_works(make_app, ttl, said):
    app = make_app(RESET_TOKEN_TTL=ttl)
    add_user(app)
    message = reset_message(app.test_client())
    assert f"for {said}):" in message.body
    assert f"for {said}):" in message.html


def test_reset_page_says_whose_password_it_resets(client, make_user):
    make_user()
    open_link(client, reset_token(client))
    assert "Choose a new password for susan." in client.get("/auth/reset_password").text
