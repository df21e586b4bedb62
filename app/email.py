"""Sending mail: over SMTP in the background, or to the console when no server is set.

In the background means an RQ job when REDIS_URL is set (retried while the SMTP server is
down), else a thread of this process.
"""

import smtplib
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from email.utils import formataddr

from flask import Flask, current_app, render_template
from flask_mail import Message, email_dispatched

from app.extensions import mail
from app.jobs import job_app_context, rq_retry
from app.mail_connection import envelope_address
from app.security import canonical_url_for


def console_text(message: Message) -> str:
    """The email as a person reads it: plain headers, the text part, attachments by name
    (the raw message would show base64 and quoted-printable)."""
    sender = message.sender if isinstance(message.sender, str) else formataddr(message.sender)
    lines = [
        f"From: {sender}",
        f"To: {', '.join(envelope_address(address) for address in message.recipients)}",
        f"Subject: {message.subject}",
    ]
    for attachment in message.attachments:
        size = len(attachment.data or b"")
        lines.append(f"Attachment: {attachment.filename} ({attachment.content_type}, {size} bytes)")
    return "\n".join(lines) + "\n\n" + (message.body or "").rstrip("\n")


def print_to_console(app: Flask, message: Message) -> None:
    print(f"\n----- email (MAIL_SERVER is not set) -----\n{console_text(message)}\n-----\n")
    sys.stdout.flush()


def init_mail(app: Flask) -> None:
    if not app.config["MAIL_SERVER"]:
        # The embedded default: nothing leaves the machine, the message lands on the console.
        app.config["MAIL_SUPPRESS_SEND"] = True
        email_dispatched.connect(print_to_console, sender=app)
    mail.init_app(app)
    app.extensions["mail_executor"] = ThreadPoolExecutor(2, thread_name_prefix="mail")


def _deliver(app: Flask, message: Message, dummy: bool = False, sync: bool = False) -> None:
    if dummy:
        return
    with app.app_context():
        try:
            mail.send(message)
        except Exception:
            # Any SMTP or socket failure: log it with the recipients, never lose it silently.
            app.logger.exception(
                "Could not send email %r to %s", message.subject, message.recipients
            )
            if sync:
                raise  # the waiting job records the failure where its user sees it


def send_email(
    subject: str,
    recipients: list[str],
    template: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    sync: bool = False,
    dummy: bool = False,
    **context,
) -> None:
    """Send the email rendered from email/<template>.txt and .html.

    Their url_for builds every link on the configured SERVER_NAME, never the request's host.
    attachments are (filename, mimetype, data); sync sends before returning, for background
    jobs whose process may end as soon as the job does, and raises if it could not. A dummy
    message is made and handed on the same way, then dropped: a request that must not reveal
    whether it sends (one for an unknown address) costs what a real one does.
    """
    to: list[str | tuple[str, str]] = list(recipients)
    message = Message(
        subject,
        recipients=to,
        body=render_template(f"email/{template}.txt", url_for=canonical_url_for, **context),
        html=render_template(f"email/{template}.html", url_for=canonical_url_for, **context),
    )
    for filename, mimetype, data in attachments:
        message.attach(filename, mimetype, data)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if sync or not app.config["MAIL_ASYNC"]:
        _deliver(app, message, dummy, sync)
    elif app.config["REDIS_URL"]:
        _queue(app, message, dummy)
    else:
        app.extensions["mail_executor"].submit(_deliver, app, message, dummy)


def _queue(app: Flask, message: Message, dummy: bool = False) -> None:
    from redis.exceptions import RedisError

    try:
        app.extensions["tasks"].queue.enqueue(
            deliver_queued_email,
            message,
            dummy,
            retry=rq_retry(app.config["MAIL_RETRY_INTERVALS"]),
        )
    except RedisError:
        app.logger.warning("Redis is unreachable: sending %r from this process", message.subject)
        app.extensions["mail_executor"].submit(_deliver, app, message, dummy)


def deliver_queued_email(message: Message, dummy: bool = False) -> None:
    """The RQ job: send, and on failure log and raise, so that RQ tries again later."""
    if dummy:
        return
    with job_app_context():
        try:
            mail.send(message)
        except Exception:
            current_app.logger.exception(
                "Could not send email %r to %s (it will be retried)",
                message.subject,
                message.recipients,
            )
            raise


def can_send_to(address: str) -> bool:
    """Whether mail to `address` can leave: always, unless its local part is non-ASCII and
    the SMTP server does not offer SMTPUTF8 (asked once per sign-up with such an address)."""
    local = address.rpartition("@")[0]
    if local.isascii() or current_app.extensions["mail"].suppress:
        return True
    try:
        with mail.connect() as connection:
            host = connection.host
            assert host is not None  # connected: Flask-Mail sets it on entering
            host.ehlo_or_helo_if_needed()
            return host.has_extn("smtputf8")
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Could not ask the mail server about SMTPUTF8")
        return False
