"""Accounts on other servers of the fediverse, as users of a special kind: a `user` row named
`name@host`, with no email and no password (nobody signs in as them), and a remote_actor row
saying where their actor, inboxes and public key are.

Local sign-up cannot make such a name: its usernames hold no '@' (app/auth/forms.py).
"""

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.extensions import db
from app.models.inbox_activity import URI_MAX
from app.models.types import UTCDateTime, utcnow
from app.models.username import normalize_username

if TYPE_CHECKING:
    from app.models.user import User

# The user table's username column: a longer name@host cannot be kept.
HANDLE_MAX = 64
# Unindexed addresses: as long as anyone sensible makes them.
URL_MAX = 2048
# A server's host[:port]: a DNS name is at most 253 characters, and this is indexed.
DOMAIN_MAX = 255
# An actor's display name, as much as Mastodon allows (30) and then some.
NAME_MAX = 100
DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?")


def domain_of(url: str) -> str:
    """The host[:port] of a URL, lower case, as the handles of its server's accounts end."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def normalize_domain(text: str) -> str:
    """The server someone typed (example.com, a URL on it, or a handle @name@example.com) as
    domains are kept: host[:port], lower case, an international name in its xn-- form.
    ValueError for anything else."""
    value = text.strip()
    if "://" in value:
        value = urlsplit(value).netloc
    value = value.rpartition("@")[2].strip().lower()
    host, colon, port = value.partition(":")
    try:
        host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError(f"{text!r} is not a server's name") from error
    value = f"{host}{colon}{port}"
    if len(value) > DOMAIN_MAX or not DOMAIN.fullmatch(value):
        raise ValueError(f"{text!r} is not a server's name")
    return value


def domain_and_parents(domain: str) -> list[str]:
    """The server `domain` and each domain above it, most specific first, with its port if it
    has one: a.example.com:8443 is example.com:8443 and com:8443 too. An address is itself."""
    host, colon, port = domain.partition(":")
    labels = host.split(".")
    if labels[-1].isdigit() or not all(labels):  # no top-level domain is a number
        return [domain]
    return [".".join(labels[start:]) + colon + port for start in range(len(labels))]


class ActorDomain(db.Model):
    """A remote account's server and each domain above it, one a row (domain_and_parents): a
    rule about example.com finds the accounts of social.example.com by one equality join, as
    it finds those of example.com (benchmarks/README.md, "Subdomains")."""

    domain: Mapped[str] = mapped_column(String(DOMAIN_MAX), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    # On SQLite the primary key is the table (no rowid): the rows are kept once, not twice.
    __table_args__ = {"sqlite_with_rowid": False}


class RemoteActor(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    uri: Mapped[str] = mapped_column(String(URI_MAX), unique=True)
    inbox: Mapped[str] = mapped_column(String(URL_MAX))
    # Where the server takes activities for all its users at once, if it says.
    shared_inbox: Mapped[str | None] = mapped_column(String(URL_MAX))
    public_key_pem: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(URI_MAX), index=True)
    # When the actor document was last read: fetching code refreshes old ones.
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The actor's profile page for people (their `url`), if any.
    profile_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    # Their server: the host[:port] their handle ends with, for domain blocks and silences.
    domain: Mapped[str] = mapped_column(String(DOMAIN_MAX), index=True)
    # The name they show (their `name`) and their picture's address (`icon`), if any.
    name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    icon_url: Mapped[str | None] = mapped_column(String(URL_MAX))

    user: Mapped["User"] = relationship(back_populates="remote_actor")

    def __repr__(self) -> str:
        return f"<RemoteActor {self.uri}>"

    @staticmethod
    def by_uri(uri: str) -> "RemoteActor | None":
        return db.session.scalar(select(RemoteActor).where(RemoteActor.uri == uri))

    def is_stale(self, max_age: timedelta, now: datetime | None = None) -> bool:
        """Whether the actor document was read longer than `max_age` ago."""
        return self.fetched_at + max_age < (now or utcnow())

    @staticmethod
    def by_key_id(key_id: str) -> "RemoteActor | None":
        """The actor whose public key has this id (a signature's keyId)."""
        return db.session.scalar(select(RemoteActor).where(RemoteActor.key_id == key_id).limit(1))


def remote_handle(username: str, host: str) -> str:
    """`name@host` as stored: the name in the form local names take, the host lower case."""
    name, host = normalize_username(username), host.strip().lower()
    if not name or not host or "@" in name or "@" in host or "/" in host:
        raise ValueError(f"not a remote account: {username!r} at {host!r}")
    handle = f"{name}@{host}"
    if len(handle) > HANDLE_MAX:
        raise ValueError(f"{handle!r} is longer than {HANDLE_MAX} characters")
    return handle


class RemoteMixin:
    """User's side of remote accounts: whether this is one, and remembering one."""

    if TYPE_CHECKING:  # what the mixin uses of User
        username: Mapped[str]
        email: Mapped[str | None]
        about_me: Mapped[str | None]

    @declared_attr
    def remote_actor(cls) -> Mapped["RemoteActor | None"]:
        return relationship(back_populates="user", uselist=False, passive_deletes=True)

    @declared_attr
    def server_domains(cls) -> Mapped[list["ActorDomain"]]:
        """The account's rows of ActorDomain: written with it, never read through here."""
        return relationship(passive_deletes=True, lazy="raise")

    @property
    def is_remote(self) -> bool:
        # Local names cannot hold an '@' (app/auth/forms.py), remote ones always do.
        return "@" in self.username

    @property
    def domain(self) -> str | None:
        """The server of a remote account (its RemoteActor.domain); None for a local user."""
        return self.username.rpartition("@")[2] if self.is_remote else None

    @classmethod
    def remember_remote(
        cls,
        actor_uri: str,
        username: str,
        host: str,
        inbox: str,
        shared_inbox: str | None,
        public_key_pem: str,
        key_id: str,
        *,
        profile_url: str | None = None,
        about_me: str | None = None,
        name: str | None = None,
        icon_url: str | None = None,
    ) -> Self:
        """The remote account whose actor is `actor_uri`, made or brought up to date with what
        its actor document says (the caller commits). ValueError for a name@host longer
        than HANDLE_MAX or addresses too long to keep."""
        handle = remote_handle(username, host)
        if len(actor_uri) > URI_MAX or len(key_id) > URI_MAX:
            raise ValueError(f"an actor or key id longer than {URI_MAX} characters")
        addresses = (inbox, shared_inbox or "", profile_url or "", icon_url or "")
        if max(len(address) for address in addresses) > URL_MAX:
            raise ValueError(f"an address longer than {URL_MAX} characters")
        actor = RemoteActor.by_uri(actor_uri)
        if actor is None:
            user = cls()
            user.username, user.email = handle, None
            actor = RemoteActor(uri=actor_uri, user=user, domain=handle.rpartition("@")[2])
            user.server_domains = [ActorDomain(domain=d) for d in domain_and_parents(actor.domain)]
            db.session.add_all([user, actor])
        else:
            user = actor.user
            user.username = handle
        if about_me is not None:
            user.about_me = about_me.strip()[:140] or None
        actor.inbox, actor.shared_inbox = inbox, shared_inbox
        actor.public_key_pem, actor.key_id = public_key_pem, key_id
        actor.profile_url, actor.fetched_at = profile_url, utcnow()
        actor.name = (name or "").strip()[:NAME_MAX] or None
        actor.icon_url = icon_url
        return user
