"""Requests to other servers: ActivityPub documents fetched, activities posted to inboxes.

Every request goes only to public addresses: the host is resolved, every address it has is
checked, and the connection is made to the checked address (the Host header, TLS SNI and the
certificate check still use the host's name), so a DNS answer that changes between the check
and the connection cannot point the request at this machine's network.
"""

import ipaddress
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
from flask import current_app, has_app_context
from requests.adapters import HTTPAdapter

from app.federation import resolve
from app.federation.hosts import EXTENSION, RefusedHosts, host_of
from app.federation.signatures import sign_request

ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
# The images posts may carry (app/media/images.py decodes them).
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
JSON_TYPES = {"application/activity+json", "application/ld+json", "application/json"}
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 3
# Answers that may change by themselves, as no answer at all (a timeout, a refused connection).
TRY_AGAIN = {408, 425, 429}
USER_AGENT = "microblog (+https://github.com/miguelgrinberg/microblog)"
CHUNK = 64 * 1024


class FetchError(Exception):
    """A remote request was refused or failed; the message says why."""


class URLNotAllowed(FetchError):
    """Not an http(s) URL, http:// without FEDERATION_ALLOW_HTTP, or no host."""


class HostRefused(URLNotAllowed):
    """The site refuses to talk to this host (an admin blocked its domain)."""


class AddressNotAllowed(FetchError):
    """The host resolves to a private, loopback, link-local, multicast or reserved address."""


class TooManyRedirects(FetchError):
    pass


class ResponseTooLarge(FetchError):
    pass


class NotActivityJSON(FetchError):
    """The answer is not an ActivityPub JSON object (its Content-Type, or its body)."""


class NotAnImage(FetchError):
    """The answer's Content-Type is not one of IMAGE_TYPES."""


class RequestFailed(FetchError):
    """No answer in time, a refused connection, or an error status (status_code then)."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        # Whether the same request may succeed later: no answer, a server error, TRY_AGAIN.
        self.may_pass = status_code is None or status_code in TRY_AGAIN or status_code >= 500


@dataclass(frozen=True)
class Policy:
    """What a request may do; from the app's FEDERATION_* settings, or strict defaults."""

    allow_http: bool = False
    allow_private: bool = False
    timeout: float = 10.0
    max_bytes: int = 1024 * 1024
    # True (the system's CAs, through certifi), or a CA bundle's path: tests use their own.
    verify: bool | str = True
    # The hosts no request may go to (hosts.py): the site's, or none.
    refused_hosts: RefusedHosts | None = None

    @classmethod
    def from_app(cls) -> "Policy":
        if not has_app_context():
            return cls()
        config = current_app.config
        return cls(
            allow_http=config["FEDERATION_ALLOW_HTTP"],
            allow_private=config["FEDERATION_ALLOW_PRIVATE_ADDRESSES"],
            timeout=config["FEDERATION_TIMEOUT"],
            max_bytes=config["FEDERATION_MAX_DOCUMENT_BYTES"],
            refused_hosts=current_app.extensions.get(EXTENSION),
        )


class Response(NamedTuple):
    status_code: int
    headers: Mapping[str, str]
    body: bytes


class Fetched(NamedTuple):
    """A fetched document and the URL it came from, after redirects (check its id's origin)."""

    url: str
    document: dict[str, Any]


def fetch_document(
    url: str,
    key_id: str | None = None,
    private_key_pem: str | bytes | None = None,
    policy: Policy | None = None,
) -> Fetched:
    """GET an ActivityPub document, signed with the key when one is given (authorized
    fetch), following at most MAX_REDIRECTS redirects, each checked like the first URL."""

    def headers(url: str) -> dict[str, str]:
        plain = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
        if key_id is None or private_key_pem is None:
            return plain
        return sign_request("GET", url, plain, None, key_id, private_key_pem)

    url, response = get(url, headers, policy or Policy.from_app())
    return Fetched(url, parse_document(url, response))


def fetch_image(url: str, max_bytes: int, policy: Policy | None = None) -> bytes:
    """GET an image of at most `max_bytes`, whose Content-Type is one of IMAGE_TYPES (what
    it really is, Pillow decides: app/media/images.py), redirects followed as for documents."""
    policy = replace(policy or Policy.from_app(), max_bytes=max_bytes)
    accept = {"Accept": ", ".join(sorted(IMAGE_TYPES)), "User-Agent": USER_AGENT}
    url, response = get(url, lambda url: accept, policy)
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type not in IMAGE_TYPES:
        raise NotAnImage(f"{url} is {media_type or 'untyped'}, not a JPEG, PNG, WebP or GIF")
    return response.body


def get(url: str, headers: Callable[[str], dict[str, str]], policy: Policy) -> tuple[str, Response]:
    """GET `url` with headers(url) for each request, following at most MAX_REDIRECTS
    redirects, each checked like the first URL; the last URL and its answer, a 200."""
    for _ in range(MAX_REDIRECTS + 1):
        response = send("GET", url, headers(url), None, policy)
        location = response.headers.get("Location")
        if response.status_code in REDIRECTS and location:
            url = urljoin(url, location)
            continue
        if response.status_code != 200:
            raise RequestFailed(f"{url} answered {response.status_code}", response.status_code)
        return url, response
    raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects from {url}")


def parse_document(url: str, response: Response) -> dict[str, Any]:
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type not in JSON_TYPES:
        raise NotActivityJSON(f"{url} is {media_type or 'untyped'}, not ActivityPub JSON")
    try:
        document = json.loads(response.body)
    except (ValueError, RecursionError) as error:  # RecursionError: [[[[… nested too deep
        raise NotActivityJSON(f"{url} is not valid JSON") from error
    if not isinstance(document, dict):
        raise NotActivityJSON(f"{url} is JSON but not an object")
    return document


def send(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    policy: Policy | None = None,
    read_body: bool = True,
) -> Response:
    """One request (redirects are not followed) to a checked address; the answer's body
    (unless read_body is False) is capped at policy.max_bytes and the whole exchange at
    twice policy.timeout."""
    policy = policy or Policy.from_app()
    parts = check_url(url, policy)
    if policy.refused_hosts is not None and policy.refused_hosts([host_of(url)]):
        raise HostRefused(f"{host_of(url)} is blocked here")
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = public_address(host, port, policy)
    pinned = f"[{address}]" if ":" in address else address
    target = urlunsplit((parts.scheme, f"{pinned}:{port}", parts.path or "/", parts.query, ""))
    headers = {"Host": parts.netloc.rpartition("@")[2], **headers}
    deadline = time.monotonic() + 2 * policy.timeout
    with requests.Session() as session:
        # No proxies from the environment: a proxy would connect to whatever it resolves.
        session.trust_env = False
        session.mount(f"{parts.scheme}://", PinnedAdapter(host))
        try:
            response = session.request(
                method,
                target,
                headers=headers,
                data=body,
                timeout=policy.timeout,
                allow_redirects=False,
                stream=True,
                verify=policy.verify,
            )
            with response:
                content = b""
                if read_body:
                    content = read_capped(url, response, policy.max_bytes, deadline)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            raise RequestFailed(f"{method} {url} failed: {error}") from error
        except ValueError as error:
            # requests reads a redirect's Location as UTF-8, whatever the server sent.
            raise RequestFailed(f"{method} {url} answered what cannot be read: {error}") from error
    return Response(response.status_code, response.headers, content)


def read_capped(url: str, response: requests.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(f"{url} sends {declared} bytes (at most {max_bytes})")
    content = bytearray()
    while chunk := response.raw.read1(CHUNK, decode_content=True):
        content += chunk
        if len(content) > max_bytes:
            raise ResponseTooLarge(f"{url} sends more than {max_bytes} bytes")
        # A server dripping a byte at a time would never trip the read timeout.
        if time.monotonic() > deadline:
            raise RequestFailed(f"{url} is too slow to send its answer")
    return bytes(content)


def check_url(url: str, policy: Policy):
    try:
        parts = urlsplit(url)
    except ValueError as error:  # a malformed [IPv6] host
        raise URLNotAllowed(f"{url!r} is not a valid URL") from error
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise URLNotAllowed(f"{url!r} is not an http(s) URL")
    if parts.scheme == "http" and not policy.allow_http:
        raise URLNotAllowed(f"{url} is not https (FEDERATION_ALLOW_HTTP is off)")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise URLNotAllowed(f"{url!r} has an invalid port") from error
    return parts


def public_address(host: str, port: int, policy: Policy) -> str:
    """The address to connect to for host, once every address it resolves to is checked."""
    try:
        answers = resolve.getaddrinfo(host, port, policy.timeout)
    except (OSError, ValueError) as error:  # ValueError: a NUL, UnicodeError: a bad name
        raise RequestFailed(f"{host} does not resolve: {error}") from error
    addresses = list(dict.fromkeys(str(answer[4][0]) for answer in answers))
    if not addresses:
        raise RequestFailed(f"{host} does not resolve")
    if not policy.allow_private:
        for address in addresses:
            if not is_public(address):
                raise AddressNotAllowed(f"{host} resolves to {address}, which is not public")
    return addresses[0]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


class PinnedAdapter(HTTPAdapter):
    """Connects to the URL's address (the checked one) but names the host in TLS: SNI and
    the certificate are those of the host, not of its address."""

    def __init__(self, hostname: str) -> None:
        self.hostname = hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        # urllib3 drops these two for plain http.
        pool_kwargs.update(server_hostname=self.hostname, assert_hostname=self.hostname)
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
