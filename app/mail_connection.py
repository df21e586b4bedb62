"""Flask-Mail with a socket timeout, so a dead SMTP server cannot hold a thread forever, and
with internationalised addresses: IDNA-encoded domains, SMTPUTF8 for non-ASCII local parts."""

import smtplib
import time
from email import policy
from email.utils import parseaddr

import flask_mail
from flask import current_app


def envelope_address(address: str | tuple[str, str]) -> str:
    """The bare address as SMTP carries it: the domain in IDNA (xn--) form, which every server
    accepts; the local part as typed, which only an SMTPUTF8 server accepts if non-ASCII."""
    bare = address[1] if isinstance(address, tuple) else parseaddr(address)[1] or address
    local, _, domain = bare.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}" if local else bare


def needs_smtputf8(addresses: list[str]) -> bool:
    return not all(address.isascii() for address in addresses)


def message_bytes(message: flask_mail.Message) -> bytes:
    """The message as sent; Flask-Mail's own header code raises on a non-ASCII local part."""
    recipients = [envelope_address(address) for address in message.recipients]
    restored: list[str | tuple[str, str]] = list(message.recipients)
    message.recipients = []  # Flask-Mail would encode them itself, and fail
    try:
        mime = message._message()
    finally:
        message.recipients = restored
    del mime["To"]
    mime["To"] = ", ".join(recipients)
    return mime.as_bytes(policy=policy.SMTPUTF8 if needs_smtputf8(recipients) else policy.SMTP)


class TimeoutConnection(flask_mail.Connection):
    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host

    def send(self, message: flask_mail.Message, envelope_from=None) -> None:
        """Send like Flask-Mail, asking for SMTPUTF8 when an address needs it: a server that
        does not offer it makes smtplib raise SMTPNotSupportedError, never a silent loss."""
        if self.host is None or message.has_bad_headers():
            return super().send(message, envelope_from)
        if message.date is None:
            message.date = time.time()
        sender = envelope_address(envelope_from or message.sender)
        recipients = [envelope_address(address) for address in message.send_to]
        options = list(message.mail_options)
        if needs_smtputf8([sender, *recipients]):
            options.append("SMTPUTF8")
        self.host.sendmail(sender, recipients, message_bytes(message), options)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        flask_mail.email_dispatched.send(app, message=message)


class TimeoutMail(flask_mail.Mail):
    def connect(self) -> TimeoutConnection:
        return TimeoutConnection(current_app.extensions["mail"])
