"""Sending mail: over SMTP from a background thread, or to the console when no server is set."""

import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app, render_template
from flask_mail import Message, email_dispatched

from app.extensions import mail


def print_to_console(app: Flask, message: Message) -> None:
    print(f"\n----- email (MAIL_SERVER is not set) -----\n{message.as_string()}\n", file=sys.stdout)
    sys.stdout.flush()


def init_mail(app: Flask) -> None:
    if not app.config["MAIL_SERVER"]:
        # The embedded default: nothing leaves the machine, the message lands on the console.
        app.config["MAIL_SUPPRESS_SEND"] = True
        email_dispatched.connect(print_to_console, sender=app)
    mail.init_app(app)
    app.extensions["mail_executor"] = ThreadPoolExecutor(2, thread_name_prefix="mail")


def _deliver(app: Flask, message: Message) -> None:
    with app.app_context():
        try:
            mail.send(message)
        except Exception:
            # Any SMTP or socket failure: log it with the recipients, never lose it silently.
            app.logger.exception(
                "Could not send email %r to %s", message.subject, message.recipients
            )


def send_email(
    subject: str,
    recipients: list[str],
    template: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    sync: bool = False,
    **context,
) -> None:
    """Send the email rendered from email/<template>.txt and .html.

    attachments are (filename, mimetype, data); sync sends before returning, for background
    jobs whose process may end as soon as the job does.
    """
    message = Message(
        subject,
        recipients=recipients,
        body=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
    )
    for filename, mimetype, data in attachments:
        message.attach(filename, mimetype, data)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["MAIL_ASYNC"] and not sync:
        app.extensions["mail_executor"].submit(_deliver, app, message)
    else:
        _deliver(app, message)
