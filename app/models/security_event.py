"""The security log: what happened to an account (sign-ins, password and email changes), for
its owner to read. Any feature records an event with record_security_event()."""

import ipaddress
import json
import re
from datetime import datetime, timedelta
from typing import Any

from flask import has_request_context, request
from sqlalchemy import CursorResult, ForeignKey, Select, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.user import User

KIND_MAX = 32
AGENT_MAX = 64
# The browsers and systems a short user agent names, first match wins (Edge and Opera say
# Chrome too, Chrome says Safari).
BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Safari/", "Safari"), ("curl/", "curl")]  # fmt: skip
SYSTEMS = [("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]  # fmt: skip


def hidden_address(address: str | None) -> str:
    """The client's address with its last octet hidden (IPv6: all but its /64 network)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 4:
        return ".".join(str(ip).split(".")[:3] + ["x"])
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def short_user_agent(agent: str | None) -> str:
    """ "Firefox on Linux": the browser and system a User-Agent names, else its first words."""
    agent = agent or ""
    browser = next((name for mark, name in BROWSERS if mark in agent), "")
    system = next((name for mark, name in SYSTEMS if mark in agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or re.sub(r"\s+", " ", agent).strip()[:AGENT_MAX]


class SecurityEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # An open set of short names ("login", "password_changed"...): labels in
    # app/account/security_log.py.
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(AGENT_MAX), default="")
    details_json: Mapped[str] = mapped_column(Text, default="{}")

    @property
    def details(self) -> dict[str, Any]:
        return json.loads(self.details_json)

    @classmethod
    def of(cls, user: User) -> Select:
        """The user's events, newest first."""
        return (
            select(cls).where(cls.user_id == user.id).order_by(cls.created_at.desc(), cls.id.desc())
        )

    @classmethod
    def prune(cls, days: int, now: datetime | None = None) -> int:
        """Delete the events older than `days` days; how many (the caller commits)."""
        cutoff = (now or utcnow()) - timedelta(days=days)
        result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            delete(cls).where(cls.created_at < cutoff),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount


def record_security_event(user: User, kind: str, **details: Any) -> SecurityEvent:
    """Add an event of `kind` to `user`'s security log, with the request's hidden address and
    short user agent (the caller commits). `details` must be JSON: shown to the owner."""
    event = SecurityEvent(user_id=user.id, kind=kind[:KIND_MAX], details_json=json.dumps(details))
    if has_request_context():
        event.address = hidden_address(request.remote_addr)
        event.user_agent = short_user_agent(request.user_agent.string)
    db.session.add(event)
    return event


def record_failed_login(username_or_email: str) -> None:
    """Log a wrong password for the account of this name or address, if there is one (and
    commit: the page answers with the form again)."""
    user = db.session.scalar(User.by_login(username_or_email))
    if user is not None:
        record_security_event(user, "login_failed")
        db.session.commit()
