import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from app.federation.signatures import (
    BadSignature,
    DigestMismatch,
    MalformedSignature,
    MissingSignature,
    StaleDate,
    UnknownKey,
    UnsignedHeader,
    UnsupportedAlgorithm,
    body_digest,
    request_target,
    sign_request,
    signing_string,
    verify_request,
)
from tests.federation import vectors

VECTOR_NOW = datetime(2014, 1, 5, 21, 31, 40, tzinfo=UTC)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KEY_ID = "https://blog.example/users/alice#main-key"
INBOX = "https://social.example/users/bob/inbox"
BODY = b'{"type": "Follow", "actor": "https://blog.example/users/alice"}'


def vector_signature_header(signed: list[str], signature: str) -> str:
    return (
        f'keyId="Test",algorithm="rsa-sha256",headers="{" ".join(signed)}",signature="{signature}"'
    )


def vector_keys(key_id):
    return vectors.PUBLIC_KEY if key_id == "Test" else None


@pytest.mark.parametrize(
    ("signed", "text", "signature"),
    [
        (vectors.DEFAULT_SIGNED, vectors.DEFAULT_STRING, vectors.DEFAULT_SIGNATURE),
        (vectors.BASIC_SIGNED, vectors.BASIC_STRING, vectors.BASIC_SIGNATURE),
        (vectors.ALL_SIGNED, vectors.ALL_STRING, vectors.ALL_SIGNATURE),
    ],
    ids=["default", "basic", "all-headers"],
)
def test_the_drafts_test_vectors(signed, text, signature):
    assert signing_string(vectors.METHOD, vectors.PATH, vectors.HEADERS, signed) == text
    headers = sign_request(
        vectors.METHOD,
        vectors.URL,
        vectors.HEADERS,
        vectors.BODY,
        "Test",
        vectors.PRIVATE_KEY,
        signed_headers=signed,
    )
    assert headers["Signature"] == vector_signature_header(signed, signature)
    # The draft's Digest is the one computed from its body.
    assert headers["Digest"] == vectors.HEADERS["Digest"] == body_digest(vectors.BODY)


def test_the_all_headers_vector_verifies():
    headers = {
        **vectors.HEADERS,
        "Signature": vector_signature_header(vectors.ALL_SIGNED, vectors.ALL_SIGNATURE),
    }
    key_id = verify_request(
        "POST", vectors.PATH, headers, vectors.BODY, vector_keys, now=VECTOR_NOW
    )
    assert key_id == "Test"


@pytest.mark.parametrize(
    ("signed", "signature", "missing"),
    [
        (vectors.DEFAULT_SIGNED, vectors.DEFAULT_SIGNATURE, "(request-target)"),
        (vectors.BASIC_SIGNED, vectors.BASIC_SIGNATURE, "digest"),
    ],
    ids=["default", "basic"],
)
def test_the_weaker_vectors_are_refused_for_a_post(signed, signature, missing):
    # Valid signatures, but a POST whose digest (or target) is unsigned could be replayed
    # with another body (or to another inbox).
    headers = {**vectors.HEADERS, "Signature": vector_signature_header(signed, signature)}
    with pytest.raises(UnsignedHeader, match=missing):
        verify_request("POST", vectors.PATH, headers, vectors.BODY, vector_keys, VECTOR_NOW)


@pytest.fixture
def keys(alice_key, mallory_key):
    known = {KEY_ID: alice_key.public_pem, "https://evil.example/m#key": mallory_key.public_pem}
    return known.get


@pytest.fixture
def signed_post(alice_key):
    headers = {"Content-Type": "application/activity+json"}
    return sign_request("POST", INBOX, headers, BODY, KEY_ID, alice_key.private_pem, now=NOW)


def test_a_signed_post_verifies(signed_post, keys):
    assert signed_post["Host"] == "social.example"
    assert signed_post["Date"] == "Sun, 01 Mar 2026 12:00:00 GMT"
    assert 'headers="(request-target) host date digest"' in signed_post["Signature"]
    assert verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW) == KEY_ID


def test_a_signed_get_verifies(alice_key, keys):
    url = "https://blog.example/users/alice?page=2"
    headers = sign_request("GET", url, {}, None, KEY_ID, alice_key.private_pem, now=NOW)
    assert "Digest" not in headers
    assert 'headers="(request-target) host date"' in headers["Signature"]
    assert verify_request("GET", "/users/alice?page=2", headers, None, keys, NOW) == KEY_ID


def test_a_host_with_a_port_is_signed_with_it(alice_key, keys):
    url = "http://127.0.0.1:8000/inbox"
    headers = sign_request("POST", url, {}, BODY, KEY_ID, alice_key.private_pem, now=NOW)
    assert headers["Host"] == "127.0.0.1:8000"
    assert verify_request("POST", "/inbox", headers, BODY, keys, NOW) == KEY_ID


@pytest.mark.parametrize("names", ["lower", "werkzeug"])
def test_header_names_are_compared_without_case(signed_post, keys, names):
    if names == "lower":
        headers = {name.lower(): value for name, value in signed_post.items()}
    else:
        headers = Headers(signed_post)
    assert verify_request("post", "/users/bob/inbox", headers, BODY, keys, NOW) == KEY_ID


def test_hs2019_with_an_rsa_key_is_accepted(signed_post, keys):
    # What newer Mastodon versions and others send: "hs2019", the key says which algorithm.
    signed_post["Signature"] = signed_post["Signature"].replace("rsa-sha256", "hs2019")
    assert verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW) == KEY_ID


def test_the_authorization_header_form_is_accepted(signed_post, keys):
    signed_post["Authorization"] = "Signature " + signed_post.pop("Signature")
    assert verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW) == KEY_ID


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"Host": "other.example"}, BadSignature),
        ({"Date": "Sun, 01 Mar 2026 12:00:01 GMT"}, BadSignature),
        ({"Digest": body_digest(b"{}")}, DigestMismatch),
        ({"Digest": "SHA-256=not-the-digest"}, DigestMismatch),
        ({"Digest": "SHA-256=é"}, DigestMismatch),
    ],
    ids=["host", "date", "digest", "digest-garbage", "digest-not-ascii"],
)
def test_a_changed_header_is_refused(signed_post, keys, change, error):
    with pytest.raises(error):
        verify_request("POST", "/users/bob/inbox", {**signed_post, **change}, BODY, keys, NOW)


def test_a_changed_body_is_refused(signed_post, keys):
    with pytest.raises(DigestMismatch, match="does not match the body"):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY + b" ", keys, NOW)


def test_another_inbox_is_refused(signed_post, keys):
    with pytest.raises(BadSignature):
        verify_request("POST", "/users/carol/inbox", signed_post, BODY, keys, NOW)


def test_a_changed_signature_is_refused(signed_post, keys):
    signature = signed_post["Signature"]
    start = signature.index('signature="') + len('signature="')
    raw = bytearray(base64.b64decode(signature[start:-1]))
    raw[0] ^= 1
    signed_post["Signature"] = signature[:start] + base64.b64encode(raw).decode() + '"'
    with pytest.raises(BadSignature):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW)


def test_a_signature_claiming_another_key_is_refused(signed_post, keys):
    signed_post["Signature"] = signed_post["Signature"].replace(
        KEY_ID, "https://evil.example/m#key"
    )
    with pytest.raises(BadSignature):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW)


def test_an_unsigned_request_is_refused(keys):
    with pytest.raises(MissingSignature):
        verify_request("POST", "/inbox", {"Host": "social.example"}, BODY, keys, NOW)
    with pytest.raises(MissingSignature):
        verify_request("GET", "/inbox", {"Authorization": "Bearer abc"}, None, keys, NOW)


@pytest.mark.parametrize(
    "signature",
    [
        "garbage",
        'keyId="k",signature="abc"junk',
        'algorithm="rsa-sha256",headers="(request-target) host date digest",signature="abc="',
        f'keyId="{KEY_ID}",headers="(request-target) host date digest"',
        f'keyId="{KEY_ID}",headers="(request-target) host date digest",signature="%%%"',
    ],
    ids=["garbage", "trailing-junk", "no-key-id", "no-signature", "not-base64"],
)
def test_a_malformed_signature_is_refused(signed_post, keys, signature):
    signed_post["Signature"] = signature
    with pytest.raises(MalformedSignature):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW)


def test_a_signed_header_missing_from_the_request_is_refused(signed_post, keys):
    del signed_post["Host"]
    with pytest.raises(MalformedSignature, match="host"):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW)


def test_an_unreadable_date_is_refused(signed_post, keys):
    signed_post["Date"] = "yesterday"
    with pytest.raises(MalformedSignature, match="Date"):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW)


def test_an_unknown_key_is_refused(signed_post):
    with pytest.raises(UnknownKey, match="alice#main-key"):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, lambda key_id: None, NOW)


def test_an_unreadable_key_is_refused(signed_post):
    with pytest.raises(UnknownKey):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, lambda k: "junk", NOW)


@pytest.mark.parametrize(
    ("hours", "accepted"), [(-13, False), (-11, True), (11, True), (13, False)]
)
def test_the_date_must_be_within_twelve_hours_of_now(signed_post, keys, hours, accepted):
    now = NOW + timedelta(hours=hours)
    if accepted:
        assert verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, now)
    else:
        with pytest.raises(StaleDate):
            verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, now)


@pytest.mark.parametrize(
    ("method", "signed", "missing"),
    [
        ("POST", ["(request-target)", "host", "date"], "digest"),
        ("POST", ["(request-target)", "date", "digest"], "host"),
        ("POST", ["host", "date", "digest"], "(request-target)"),
        ("GET", ["(request-target)", "host"], "date"),
    ],
)
def test_every_required_header_must_be_signed(alice_key, keys, method, signed, missing):
    body = BODY if method == "POST" else None
    headers = sign_request(
        method, INBOX, {}, body, KEY_ID, alice_key.private_pem, signed_headers=signed, now=NOW
    )
    with pytest.raises(UnsignedHeader, match=missing):
        verify_request(method, "/users/bob/inbox", headers, body, keys, NOW)


def test_a_post_without_a_digest_is_refused(signed_post, keys):
    del signed_post["Digest"]
    with pytest.raises(DigestMismatch, match="no Digest"):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW)


def test_another_algorithm_is_refused(signed_post, keys):
    signed_post["Signature"] = signed_post["Signature"].replace("rsa-sha256", "hmac-sha256")
    with pytest.raises(UnsupportedAlgorithm):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW)


def test_a_key_that_is_not_rsa_is_refused(signed_post):
    public = ed25519.Ed25519PrivateKey.generate().public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(UnsupportedAlgorithm):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, lambda k: pem, NOW)


def test_an_expired_signature_is_refused(signed_post, keys):
    # An (expires) in the past refuses the request before its signature is even checked.
    expires = int(NOW.timestamp()) - 1
    signed_post["Signature"] = signed_post["Signature"].replace(
        'digest"', f'digest (expires)",expires={expires}'
    )
    with pytest.raises(StaleDate, match="expired"):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW)


@pytest.mark.parametrize("expires", ['expires="soon"', ""], ids=["not-a-number", "missing"])
def test_an_unreadable_expires_is_refused(signed_post, keys, expires):
    signed_post["Signature"] = signed_post["Signature"].replace(
        'digest"', 'digest (expires)"' + (f",{expires}" if expires else "")
    )
    with pytest.raises(MalformedSignature, match="expires"):
        verify_request("POST", "/users/bob/inbox", signed_post, BODY, keys, NOW)


def test_created_and_expires_are_signed_from_the_signatures_parameters():
    text = signing_string(
        "GET", "/", {}, ["(created)", "(expires)"], {"created": "1", "expires": "2"}
    )
    assert text == "(created): 1\n(expires): 2"
    with pytest.raises(MalformedSignature, match="created"):
        signing_string("GET", "/", {}, ["(created)"], {})


def test_a_wsgi_request_is_verified_on_the_target_its_client_sent(alice_key, keys):
    url = "https://social.example/users/bob%40example/inbox?page=1"
    signed = sign_request("POST", url, {}, BODY, KEY_ID, alice_key.private_pem, now=NOW)
    environ = EnvironBuilder(
        path="/users/bob%40example/inbox", query_string="page=1", headers=signed, data=BODY
    ).get_environ()
    request = Request(environ)
    assert request.path == "/users/bob@example/inbox"  # decoded: not what was signed
    target = request_target(environ)
    assert target == "/users/bob%40example/inbox?page=1"
    assert verify_request("POST", target, request.headers, request.get_data(), keys, NOW)


@pytest.mark.parametrize(
    ("environ", "target"),
    [
        ({"RAW_URI": "/inbox?a=1", "QUERY_STRING": "a=1"}, "/inbox?a=1"),
        ({"REQUEST_URI": "/inbox", "QUERY_STRING": ""}, "/inbox"),
        ({"RAW_URI": "http://social.example/inbox?a=1"}, "/inbox?a=1"),
        (
            {"SCRIPT_NAME": "/blog", "PATH_INFO": "/users/b\xc3\xa9/inbox"},
            "/blog/users/b%C3%A9/inbox",
        ),
    ],
    ids=["gunicorn", "no-query", "absolute-form", "no-raw-uri"],
)
def test_request_target(environ, target):
    assert request_target(environ) == target
