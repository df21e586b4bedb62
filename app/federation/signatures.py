"""HTTP Signatures (draft-cavage-http-signatures) as Mastodon signs and checks them.

A signed POST covers `(request-target) host date digest`, a signed GET
`(request-target) host date`; the key is RSA and the algorithm `rsa-sha256` (or `hs2019`,
which Mastodon reads as RSA with SHA-256 for an RSA key).
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# Mastodon's window: a signature dated further from now either way is refused.
CLOCK_SKEW = timedelta(hours=12)
ALGORITHMS = {"rsa-sha256", "hs2019"}
SIGNED_FOR_GET = ("(request-target)", "host", "date")
SIGNED_FOR_POST = ("(request-target)", "host", "date", "digest")
DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}

# keyId="…",algorithm="…",headers="…",signature="…" (created and expires may be bare numbers)
PARAMETER = re.compile(r'\s*([A-Za-z]+)=(?:"([^"]*)"|(\d+(?:\.\d+)?))\s*(?:,|$)')


class SignatureError(Exception):
    """A request's signature was refused; the message says why, for the log and the 401."""


class MissingSignature(SignatureError):
    """Neither a Signature header nor an `Authorization: Signature …` one."""


class MalformedSignature(SignatureError):
    """The Signature header, or a header it names, cannot be read."""


class UnsupportedAlgorithm(SignatureError):
    """An algorithm other than rsa-sha256 or hs2019, or a key that is not RSA."""


class UnknownKey(SignatureError):
    """public_key_lookup knows no key by the signature's keyId."""


class UnsignedHeader(SignatureError):
    """The signature leaves out a header it must cover, so that header could be forged."""


class DigestMismatch(SignatureError):
    """The Digest header is missing or does not match the body."""


class StaleDate(SignatureError):
    """The signed date is more than CLOCK_SKEW from now (a replay, or a bad clock)."""


class BadSignature(SignatureError):
    """The signature does not verify with the key: the request was changed or forged."""


def body_digest(body: bytes) -> str:
    """The Digest header's value for `body`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def signing_string(
    method: str,
    path_with_query: str,
    headers: Mapping[str, str],
    signed: Iterable[str],
    parameters: Mapping[str, str] | None = None,
) -> str:
    """The text a signature covers: one `name: value` line per signed header, in order."""
    values = _lowercase_names(headers)
    parameters = parameters or {}
    lines = []
    for name in signed:
        value: str | None
        if name == "(request-target)":
            value = f"{method.lower()} {path_with_query}"
        elif name in {"(created)", "(expires)"}:
            value = parameters.get(name.strip("()"))
            if value is None:
                raise MalformedSignature(f"{name} is signed but the signature has no value for it")
        else:
            value = values.get(name)
            if value is None:
                raise MalformedSignature(f"the signed header {name!r} is not in the request")
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    key_id: str,
    private_key_pem: str | bytes,
    *,
    signed_headers: Iterable[str] | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """`headers` with Host, Date, Digest (when there is a body) and Signature added.

    A Host or Date already in `headers` is kept (and signed as it is).
    """
    parts = urlsplit(url)
    signed_request = dict(headers)
    names = {name.lower() for name in signed_request}
    if "host" not in names:
        signed_request["Host"] = parts.netloc.rpartition("@")[2]
    if "date" not in names:
        signed_request["Date"] = http_date(now or datetime.now(UTC))
    if body is not None:
        signed_request = {k: v for k, v in signed_request.items() if k.lower() != "digest"}
        signed_request["Digest"] = body_digest(body)
    if signed_headers is None:
        signed_headers = SIGNED_FOR_GET if body is None else SIGNED_FOR_POST
    signed_headers = list(signed_headers)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    text = signing_string(method, path, signed_request, signed_headers)
    key = _load_private_key(private_key_pem)
    signature = key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    signed_request["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(signed_headers)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return signed_request


def verify_request(
    method: str,
    path_with_query: str,
    headers: Mapping[str, str],
    body: bytes | None,
    public_key_lookup: Callable[[str], str | bytes | None],
    now: datetime,
) -> str:
    """The keyId of the key that signed this request; SignatureError (a subclass saying
    why) if it is unsigned, forged, changed, stale, or signs too little.

    public_key_lookup(key_id) returns the actor's public key PEM, or None if unknown.
    """
    values = _lowercase_names(headers)
    parameters = parse_signature_header(values)
    key_id = parameters["keyId"]
    algorithm = parameters.get("algorithm", "rsa-sha256").lower()
    if algorithm not in ALGORITHMS:
        raise UnsupportedAlgorithm(f"algorithm {algorithm!r} is not rsa-sha256 or hs2019")
    signed = parameters.get("headers", "date").lower().split()
    post = method.upper() == "POST"
    for name in SIGNED_FOR_POST if post else SIGNED_FOR_GET:
        if name not in signed:
            raise UnsignedHeader(f"the signature does not cover {name!r}")
    _check_date(values, now)
    if "(expires)" in signed and _timestamp(parameters, "expires") < now.timestamp():
        raise StaleDate("the signature has expired")
    if post or "digest" in values:
        _check_digest(values.get("digest"), body or b"")
    text = signing_string(method, path_with_query, values, signed, parameters)

    pem = public_key_lookup(key_id)
    if pem is None:
        raise UnknownKey(f"no public key is known for keyId {key_id!r}")
    key = _load_public_key(pem)
    try:
        signature = base64.b64decode(parameters["signature"], validate=True)
    except ValueError as error:
        raise MalformedSignature("the signature is not base64") from error
    try:
        key.verify(signature, text.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise BadSignature(f"the signature does not verify with {key_id!r}") from error
    return key_id


def request_target(environ: Mapping[str, Any]) -> str:
    """The path and query of a WSGI request as its client sent them, which is what a
    `(request-target)` signed: RAW_URI (gunicorn, Werkzeug), not the decoded PATH_INFO."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not raw:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        raw = quote(path.encode("latin-1").decode("utf-8", "replace"))
    if raw.startswith(("http://", "https://")):  # the absolute form a proxy may forward
        parts = urlsplit(raw)
        raw = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    query = environ.get("QUERY_STRING")
    if query and "?" not in raw:
        raw += f"?{query}"
    return raw


def parse_signature_header(headers: Mapping[str, str]) -> dict[str, str]:
    """The Signature header's parameters (keyId and signature always present); `headers`
    with lower-case names."""
    value = headers.get("signature")
    if value is None:
        authorization = headers.get("authorization", "")
        scheme, _, rest = authorization.partition(" ")
        if scheme.lower() != "signature":
            raise MissingSignature("the request has no Signature header")
        value = rest
    parameters: dict[str, str] = {}
    position = 0
    value = value.strip()
    while position < len(value):
        match = PARAMETER.match(value, position)
        if match is None or match.end() == position:
            raise MalformedSignature("the Signature header cannot be parsed")
        name, quoted, number = match.groups()
        parameters[name] = quoted if quoted is not None else number
        position = match.end()
    for required in ("keyId", "signature"):
        if not parameters.get(required):
            raise MalformedSignature(f"the Signature header has no {required}")
    return parameters


def _timestamp(parameters: Mapping[str, str], name: str) -> float:
    try:
        return float(parameters[name])
    except (KeyError, ValueError) as error:
        raise MalformedSignature(f"the signature's {name} is not a timestamp") from error


def _check_date(headers: Mapping[str, str], now: datetime) -> None:
    try:
        signed_at = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError) as error:
        raise MalformedSignature("the Date header is not an HTTP date") from error
    if signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    if abs(now - signed_at) > CLOCK_SKEW:
        raise StaleDate(f"the request is dated {headers['date']}, too far from now")


def _check_digest(header: str | None, body: bytes) -> None:
    if not header:
        raise DigestMismatch("the request has no Digest header")
    checked = 0
    for item in header.split(","):
        name, _, encoded = item.strip().partition("=")
        digest = DIGESTS.get(name.lower())
        if digest is None:
            continue  # an algorithm we do not know is neither proof nor disproof
        expected = base64.b64encode(digest(body).digest()).decode()
        if not hmac.compare_digest(encoded.strip().encode(), expected.encode()):
            raise DigestMismatch(f"the {name} digest does not match the body")
        checked += 1
    if not checked:
        raise DigestMismatch("the Digest header has no SHA-256 or SHA-512 value")


def _lowercase_names(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names lower-cased; repeated headers joined with ', ' as the draft says."""
    values: dict[str, str] = {}
    # Werkzeug's Headers yields a repeated header once per value; a dict holds one of each.
    for name, value in headers.items():
        name = name.lower()
        value = str(value).strip()
        values[name] = f"{values[name]}, {value}" if name in values else value
    return values


def _load_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    # Our own key, made by us: the check (~65 ms, longer than the request) guards against
    # crafted keys from strangers, and would cost every delivery.
    key = serialization.load_pem_private_key(
        pem.encode() if isinstance(pem, str) else pem, None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise UnsupportedAlgorithm("only RSA keys sign with rsa-sha256")
    return key


def _load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    except ValueError as error:
        raise UnknownKey("the actor's public key cannot be read") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise UnsupportedAlgorithm("the actor's key is not an RSA key")
    return key
