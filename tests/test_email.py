import logging
import socket
import time

import pytest

from app.extensions import mail
from tests import mailbox
from tests.conftest import add_user

LINK = "http://localhost/auth/reset_password/"


@pytest.fixture
def smtp_server(free_port):
    with mailbox.smtp_server(free_port) as inbox:
        yield inbox, free_port


def smtp_app(make_app, port, **settings):
    # TESTING apps suppress sending unless told otherwise.
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False, **settings)


def request_reset(app):
    return app.test_client().post(
        "/auth/reset_password_request", data={"email": "susan@example.com"}
    )


def body_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_without_mail_server_the_mail_goes_to_the_console(app, make_user, capsys):
    make_user()
    with mail.record_messages() as outbox:
        response = request_reset(app)
    assert response.status_code == 302
    assert len(outbox) == 1
    out = capsys.readouterr().out
    assert "MAIL_SERVER is not set" in out
    assert "To: susan@example.com" in out
    assert LINK in out


def test_mail_is_delivered_over_smtp(make_app, smtp_server, capsys):
    inbox, port = smtp_server
    app = smtp_app(make_app, port)
    add_user(app)
    assert request_reset(app).status_code == 302

    assert len(inbox.messages) == 1
    recipients, message = inbox.recipients[0], inbox.messages[0]
    assert recipients == ["susan@example.com"]
    assert "Reset Your Password" in message["Subject"]
    assert message["From"] == "microblog <no-reply@localhost>"
    assert LINK in body_text(message)
    assert LINK in message.get_body(preferencelist=("html",)).get_content()
    assert "MAIL_SERVER is not set" not in capsys.readouterr().out


def test_async_mail_is_delivered_from_the_executor(make_app, smtp_server):
    inbox, port = smtp_server
    app = smtp_app(make_app, port, MAIL_ASYNC=True)
    add_user(app)
    assert request_reset(app).status_code == 302
    app.extensions["mail_executor"].shutdown(wait=True)

    assert len(inbox.messages) == 1
    assert LINK in body_text(inbox.messages[0])


def test_dead_mail_server_is_logged_and_the_page_still_answers(make_app, free_port, caplog):
    app = smtp_app(make_app, free_port, MAIL_TIMEOUT=2)
    add_user(app)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = request_reset(app)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    [record] = [r for r in caplog.records if "Could not send email" in r.getMessage()]
    assert record.levelno == logging.ERROR
    assert isinstance(record.exc_info[1], OSError)
    assert "susan@example.com" in record.getMessage()


@pytest.mark.timing
def test_silent_mail_server_times_out(make_app, free_port, caplog):
    """A server that accepts the connection but never speaks must not hold the request."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", free_port))
        listener.listen()
        app = smtp_app(make_app, free_port, MAIL_TIMEOUT=0.5)
        add_user(app)
        start = time.monotonic()
        with caplog.at_level(logging.ERROR, logger=app.logger.name):
            response = request_reset(app)
        elapsed = time.monotonic() - start
    assert response.status_code == 302
    assert elapsed < 5
    assert any("Could not send email" in r.getMessage() for r in caplog.records)


def test_mail_server_login(make_app, free_port):
    from aiosmtpd.smtp import AuthResult

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    with mailbox.smtp_server(
        free_port, authenticator=authenticator, auth_require_tls=False
    ) as inbox:
        app = smtp_app(make_app, free_port, MAIL_USERNAME="microblog", MAIL_PASSWORD="s3cret")
        add_user(app)
        request_reset(app)
    assert logins == [(b"microblog", b"s3cret")]
    assert len(inbox.messages) == 1


def test_production_errors_are_logged_and_mailed_to_admins(smtp_server, tmp_path, monkeypatch):
    from app import create_app

    inbox, port = smtp_server
    monkeypatch.chdir(tmp_path)
    app = create_app(
        {
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            "SERVER_NAME": "localhost",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "ADMINS": ["admin@example.com"],
        }
    )
    added = list(app.logger.handlers)

    @app.route("/fail")
    def fail():
        raise RuntimeError("something broke")

    try:
        assert app.test_client().get("/fail").status_code == 500
    finally:
        for handler in added:
            app.logger.removeHandler(handler)
            handler.close()

    [recipients], [message] = inbox.recipients, inbox.messages
    assert recipients == ["admin@example.com"]
    assert message["Subject"] == "Microblog failure"
    assert "something broke" in message.get_content()
    log = (tmp_path / "logs" / "microblog.log").read_text()
    assert "Microblog startup" in log
    assert "RuntimeError: something broke" in log


def test_log_to_stdout(tmp_path, monkeypatch, capsys):
    from app import create_app

    monkeypatch.chdir(tmp_path)
    app = create_app(
        {
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            "SERVER_NAME": "localhost",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "LOG_TO_STDOUT": True,
        }
    )
    for handler in list(app.logger.handlers):
        app.logger.removeHandler(handler)
        handler.close()
    assert "Microblog startup" in capsys.readouterr().err
    assert not (tmp_path / "logs").exists()


NON_ASCII = "王xiaoming@bücher.example"


def sign_up(app, email):
    return app.test_client().post(
        "/auth/register",
        data={
            "username": "xiaoming",
            "email": email,
            "password": "a good password",
            "password2": "a good password",
        },
    )


def test_a_non_ascii_address_is_mailed_with_smtputf8(make_app, free_port):
    with mailbox.smtp_server(free_port, enable_SMTPUTF8=True) as inbox:
        app = smtp_app(make_app, free_port)
        assert sign_up(app, NON_ASCII).status_code == 302
        message = inbox.wait_for("王xiaoming", "Welcome")
    assert inbox.recipients == [["王xiaoming@xn--bcher-kva.example"]]
    assert str(message["To"]) == "王xiaoming@xn--bcher-kva.example"


def test_an_idn_domain_is_mailed_without_smtputf8(make_app, free_port):
    with mailbox.smtp_server(free_port, enable_SMTPUTF8=False) as inbox:
        app = smtp_app(make_app, free_port)
        assert sign_up(app, "user@bücher.example").status_code == 302
        inbox.wait_for("user@xn--bcher-kva.example", "Welcome")
    assert inbox.recipients == [["user@xn--bcher-kva.example"]]


def test_sign_up_refuses_an_address_the_mail_server_cannot_reach(make_app, free_port):
    with mailbox.smtp_server(free_port, enable_SMTPUTF8=False) as inbox:
        app = smtp_app(make_app, free_port)
        response = sign_up(app, NON_ASCII)
    assert response.status_code == 200
    assert "cannot send to an address with non-Latin characters" in response.text
    assert inbox.messages == []


def test_without_a_mail_server_a_non_ascii_address_goes_to_the_console(app, capsys):
    assert sign_up(app, NON_ASCII).status_code == 302
    assert "To: 王xiaoming@xn--bcher-kva.example" in capsys.readouterr().out


def test_a_second_app_closes_the_first_apps_log_file(tmp_path, monkeypatch):
    from logging.handlers import RotatingFileHandler

    from app import create_app

    monkeypatch.chdir(tmp_path)
    settings = {
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
        "SERVER_NAME": "localhost",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
    }

    def log_files(app):
        return [h for h in app.logger.handlers if isinstance(h, RotatingFileHandler)]

    [first] = log_files(create_app(settings))
    second = create_app(settings)
    try:
        # One file handler, not two writing each line twice; the first one's file closed.
        assert log_files(second) != [first] and len(log_files(second)) == 1
        assert first.stream is None
    finally:
        for handler in list(second.logger.handlers):
            second.logger.removeHandler(handler)
            handler.close()
