"""Actors of other servers: their documents fetched (signed by the site's actor, for servers
that answer only signed requests) and remembered as remote users (User.remember_remote),
for the signatures of what they send and the inboxes we send to."""

import html
import json
import re
from urllib.parse import urlencode, urlsplit

from flask import current_app

from app.activitypub.instance_actor import signed_fetch
from app.extensions import db
from app.federation.fetch import (
    USER_AGENT,
    NotActivityJSON,
    RequestFailed,
    send,
)
from app.models import RemoteActor, User
from app.models.remote_actor import URL_MAX, remote_handle

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


def icon_url(icon: object) -> str | None:
    """The address of an actor's picture: an Image's url (the first, if several), or a URL."""
    icon = icon[0] if isinstance(icon, list) and icon else icon
    url = icon.get("url") if isinstance(icon, dict) else icon
    url = url[0] if isinstance(url, list) and url else url
    url = url.get("href") if isinstance(url, dict) else url
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    return url if len(url) <= URL_MAX else None  # a picture is not worth refusing the actor


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
            about_me=plain_text(summary) if summary else "",
            name=plain_text(name) if (name := text(document.get("name"))) else None,
            icon_url=icon_url(document.get("icon")),
        )
    except ValueError as error:
        raise BadActor(str(error)) from error
    # Their server decides who follows them: a follow waits for its Accept.
    user.approve_followers = True
    return user


def fetch_actor(uri: str) -> User:
    """The actor at `uri`, fetched and remembered (the caller commits); FetchError or
    BadActor when it cannot be."""
    fetched = signed_fetch(uri)
    return remember_actor(fetched.document, fetched.url)


def fetch_key_owner(key_id: str) -> RemoteActor:
    """The actor owning the key `key_id`, fetched (again) and remembered (the caller
    commits): the key's URL without its fragment is the actor's, or a key document naming
    its owner. FetchError or BadActor when it cannot be, or the actor has another key now."""
    fetched = signed_fetch(key_id.partition("#")[0])
    document = fetched.document
    owner = text(document.get("owner"))
    if "publicKey" not in document and owner is not None:
        fetched = signed_fetch(owner)
        document = fetched.document
    user = remember_actor(document, fetched.url)
    actor = user.remote_actor
    if actor is None or actor.key_id != key_id:
        raise BadActor(f"the actor's key is not {key_id!r}")
    return actor


# @name@host, as people type someone of another server (the leading @ optional).
HANDLE = re.compile(r"@?([A-Za-z0-9_.-]{1,64})@([A-Za-z0-9.-]{1,253}(?::\d{1,5})?)")
JRD_TYPES = {"application/jrd+json", "application/json"}
SELF_TYPES = {
    "application/activity+json",
    'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
}


def is_handle(text: str) -> bool:
    return HANDLE.fullmatch(text.strip()) is not None


def look_up(handle: str) -> User:
    """The account `@name@host`: known already, or found with WebFinger and its actor fetched
    and remembered (the caller commits); FetchError or BadActor when it cannot be."""
    match = HANDLE.fullmatch(handle.strip())
    if match is None:
        raise BadActor(f"{handle!r} is not @name@host")
    name, host = match.group(1), match.group(2).lower()
    try:
        known = db.session.scalar(User.by_username(remote_handle(name, host)))
    except ValueError as error:
        raise BadActor(str(error)) from error
    if known is not None and known.is_remote:
        return known
    return fetch_actor(webfinger_actor(name, host))


def webfinger_actor(name: str, host: str) -> str:
    """The actor id WebFinger gives for acct:name@host (over http only where
    FEDERATION_ALLOW_HTTP allows it: development)."""
    scheme = "http" if current_app.config["FEDERATION_ALLOW_HTTP"] else "https"
    query = urlencode({"resource": f"acct:{name}@{host}"})
    url = f"{scheme}://{host}/.well-known/webfinger?{query}"
    response = send("GET", url, {"Accept": "application/jrd+json", "User-Agent": USER_AGENT}, None)
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if response.status_code != 200 or media_type not in JRD_TYPES:
        raise RequestFailed(f"{url} answered {response.status_code} {media_type}")
    try:
        document = json.loads(response.body)
    except (ValueError, RecursionError) as error:
        raise NotActivityJSON(f"{url} is not JSON") from error
    links = document.get("links") if isinstance(document, dict) else None
    for link in links if isinstance(links, list) else []:
        is_self = isinstance(link, dict) and link.get("rel") == "self"
        if is_self and link.get("type") in SELF_TYPES and (href := text(link.get("href"))):
            return href
    raise BadActor(f"WebFinger names no actor for {name}@{host}")
