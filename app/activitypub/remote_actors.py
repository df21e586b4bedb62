"""Actors of other servers: their documents fetched and remembered as remote users
(User.remember_remote), for the signatures of what they send and the inboxes we send to."""

import html
import re
from urllib.parse import urlsplit

from app.extensions import db
from app.federation.fetch import FetchError, fetch_document
from app.models import RemoteActor, User
from app.models.remote_actor import remote_handle

ACTOR_TYPES = {"Person", "Service", "Application", "Group", "Organization"}
TAG = re.compile(r"<[^>]*>")


class BadActor(ValueError):
    """An actor document that cannot be used: ids of another origin, a key it does not own,
    or a field missing or of the wrong kind."""


def origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.rpartition("@")[2].lower()


def same_origin(a: str, b: str) -> bool:
    return origin(a) == origin(b)


def text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def plain_text(fragment: str) -> str:
    """HTML (an actor's summary) as the plain text of the site's about-me."""
    fragment = re.sub(r"<br\s*/?>|</p>\s*<p[^>]*>", "\n", fragment, flags=re.IGNORECASE)
    return html.unescape(TAG.sub("", fragment)).strip()


def remember_actor(document: dict, fetched_from: str) -> User:
    """The remote user the actor document `document` (fetched from `fetched_from`) describes,
    remembered or brought up to date (the caller commits); BadActor if it is not usable."""
    uri = text(document.get("id"))
    if uri is None or not same_origin(uri, fetched_from):
        raise BadActor("the actor's id is missing or on another server than its document")
    if document.get("type") not in ACTOR_TYPES:
        raise BadActor(f"{document.get('type')!r} is not an actor type")
    key = document.get("publicKey")
    key = key[0] if isinstance(key, list) and key else key
    if not isinstance(key, dict) or key.get("owner", uri) != uri:
        raise BadActor("the actor's public key is missing or owned by another actor")
    username, inbox = text(document.get("preferredUsername")), text(document.get("inbox"))
    key_id, pem = text(key.get("id")), text(key.get("publicKeyPem"))
    if not (username and inbox and key_id and pem):
        raise BadActor("the actor has no name, inbox or public key")
    endpoints = document.get("endpoints")
    shared_inbox = text(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else None
    summary = text(document.get("summary"))
    try:
        taken = db.session.scalar(User.by_username(remote_handle(username, origin(uri)[1])))
    except ValueError as error:
        raise BadActor(str(error)) from error
    if taken is not None and (taken.remote_actor is None or taken.remote_actor.uri != uri):
        raise BadActor(f"another account is called {taken.username}")
    try:
        user = User.remember_remote(
            uri,
            username,
            origin(uri)[1],
            inbox,
            shared_inbox,
            pem,
            key_id,
            profile_url=text(document.get("url")),
            about_me=plain_text(summary) if summary else None,
        )
    except ValueError as error:
        raise BadActor(str(error)) from error
    # Their server decides who follows them: a follow waits for its Accept.
    user.approve_followers = True
    return user


def fetch_actor(uri: str) -> User:
    """The actor at `uri`, fetched and remembered (the caller commits); FetchError or
    BadActor when it cannot be."""
    fetched = fetch_document(uri)
    return remember_actor(fetched.document, fetched.url)


def fetch_key_owner(key_id: str) -> RemoteActor:
    """The actor owning the key `key_id`, fetched (again) and remembered (the caller
    commits): the key's URL without its fragment is the actor's, or a key document naming
    its owner. FetchError or BadActor when it cannot be, or the actor has another key now."""
    fetched = fetch_document(key_id.partition("#")[0])
    document = fetched.document
    owner = text(document.get("owner"))
    if "publicKey" not in document and owner is not None:
        fetched = fetch_document(owner)
        document = fetched.document
    user = remember_actor(document, fetched.url)
    actor = user.remote_actor
    if actor is None or actor.key_id != key_id:
        raise BadActor(f"the actor's key is not {key_id!r}")
    return actor


__all__ = ["BadActor", "FetchError", "fetch_actor", "fetch_key_owner", "remember_actor"]
