"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every message it receives."""

import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler that keeps every message and lets tests wait for one."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.recipients.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, to: str, subject: str, timeout: float = 15) -> EmailMessage:
        """The first message to `to` whose subject contains `subject`; the app sends
        from a background thread, so it may arrive a moment after the page answers."""

        def find() -> EmailMessage | None:
            for message in self.messages:
                if to in str(message["To"]) and subject in str(message["Subject"]):
                    return message
            return None

        with self._arrived:
            found = self._arrived.wait_for(find, timeout=timeout)
        if found is None:
            seen = [(str(m["To"]), str(m["Subject"])) for m in self.messages]
            raise AssertionError(f"no mail to {to!r} about {subject!r} in {timeout}s; got {seen}")
        return found


@contextmanager
def smtp_server(port: int, host: str = "127.0.0.1", **options) -> Iterator[Inbox]:
    """An SMTP server on host:port for the duration of the block (options go to aiosmtpd)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname=host, port=port, **options)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
