"""Fetching against real HTTP servers on 127.0.0.1 (allowed only where a test says so)."""

import json
import socket
from datetime import UTC, datetime

import pytest

from app.federation import fetch
from app.federation.fetch import (
    AddressNotAllowed,
    NotActivityJSON,
    NotAnImage,
    Policy,
    RequestFailed,
    ResponseTooLarge,
    TooManyRedirects,
    URLNotAllowed,
    fetch_document,
    fetch_image,
    is_public,
)
from app.federation.signatures import verify_request
from tests.federation.servers import Reply, http_server

LOCAL = Policy(allow_http=True, allow_private=True, timeout=2)
ACTOR = {"id": "https://social.example/users/bob", "type": "Person"}
AS_JSON = {"Content-Type": "application/activity+json"}


def actor_reply(**options) -> Reply:
    return Reply(body=json.dumps(ACTOR).encode(), headers=AS_JSON, **options)


def test_a_document_is_fetched_as_activitypub_json():
    with http_server({"/users/bob": actor_reply()}) as server:
        url, document = fetch_document(f"{server.url}/users/bob", policy=LOCAL)
    assert (url, document) == (f"{server.url}/users/bob", ACTOR)
    (request,) = server.received
    assert request.headers["Accept"].startswith("application/activity+json")
    assert "Signature" not in request.headers


@pytest.mark.parametrize(
    "content_type",
    ['application/ld+json; profile="https://www.w3.org/ns/activitystreams"', "application/json"],
)
def test_other_json_types_are_accepted(content_type):
    reply = Reply(body=json.dumps(ACTOR).encode(), headers={"Content-Type": content_type})
    with http_server({"/bob": reply}) as server:
        assert fetch_document(f"{server.url}/bob", policy=LOCAL).document == ACTOR


def test_a_signed_fetch_verifies(alice_key):
    key_id = "https://blog.example/users/alice#main-key"
    with http_server({"/users/bob?page=1": actor_reply()}) as server:
        fetch_document(f"{server.url}/users/bob?page=1", key_id, alice_key.private_pem, LOCAL)
    (request,) = server.received
    keys = {key_id: alice_key.public_pem}.get
    now = datetime.now(UTC)
    assert verify_request("GET", request.path, request.headers, None, keys, now) == key_id


def test_redirects_are_followed_three_times():
    routes = {
        "/a": Reply(302, headers={"Location": "/b"}),
        "/b": Reply(301, headers={"Location": "/c"}),
        "/c": Reply(308, headers={"Location": "/bob"}),
        "/bob": actor_reply(),
    }
    with http_server(routes) as server:
        url, document = fetch_document(f"{server.url}/a", policy=LOCAL)
    assert (url, document) == (f"{server.url}/bob", ACTOR)
    assert [request.path for request in server.received] == ["/a", "/b", "/c", "/bob"]


def test_a_fourth_redirect_is_refused():
    routes = {f"/{n}": Reply(302, headers={"Location": f"/{n + 1}"}) for n in range(5)}
    with http_server(routes) as server, pytest.raises(TooManyRedirects):
        fetch_document(f"{server.url}/0", policy=LOCAL)
    assert [request.path for request in server.received] == ["/0", "/1", "/2", "/3"]


def test_each_redirect_is_signed_for_its_own_url(alice_key):
    key_id = "https://blog.example/users/alice#main-key"
    routes = {"/old": Reply(302, headers={"Location": "/new"}), "/new": actor_reply()}
    with http_server(routes) as server:
        fetch_document(f"{server.url}/old", key_id, alice_key.private_pem, LOCAL)
    keys = {key_id: alice_key.public_pem}.get
    for request in server.received:
        assert verify_request("GET", request.path, request.headers, None, keys, datetime.now(UTC))


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x"])
def test_a_redirect_away_from_http_is_refused(location):
    with (
        http_server({"/a": Reply(302, headers={"Location": location})}) as server,
        pytest.raises(URLNotAllowed),
    ):
        fetch_document(f"{server.url}/a", policy=LOCAL)


def test_a_redirect_to_a_private_address_is_refused(monkeypatch):
    # This test's server stands in for a public one: 127.0.0.1 counts as public here, and
    # it redirects to another loopback address, which must be checked and refused.
    monkeypatch.setattr(fetch, "is_public", lambda address: address == "127.0.0.1")
    policy = Policy(allow_http=True, timeout=2)
    with http_server({"/bob": actor_reply()}, host="127.0.0.2") as target:
        moved = Reply(302, headers={"Location": f"{target.url}/bob"})
        with http_server({"/a": moved}) as server:
            assert fetch_document(f"{server.url}/a", policy=LOCAL).document == ACTOR
            with pytest.raises(AddressNotAllowed, match="127.0.0.2"):
                fetch_document(f"{server.url}/a", policy=policy)
    assert len(target.received) == 1  # the allowed fetch only


def test_every_address_of_a_host_is_checked(monkeypatch):
    # A host answering with a public and a private address is refused: the connection could
    # go to either.
    monkeypatch.setattr(fetch, "is_public", lambda address: address == "127.0.0.1")

    def resolve(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in ("127.0.0.1", "10.0.0.7")
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(AddressNotAllowed, match="10.0.0.7"):
        fetch_document("https://two-faced.example/bob", policy=Policy())


def test_the_connection_goes_to_the_checked_address(monkeypatch):
    # However the name resolves later (DNS rebinding), the request goes where it was checked.
    with http_server({"/bob": actor_reply()}) as server:
        port = int(server.url.rsplit(":", 1)[1])
        answers = iter([[(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]])
        real = socket.getaddrinfo

        def resolve(host, *args, **kwargs):
            if host == "rebind.example":
                # Asked once, by the check; a second lookup would find nothing.
                return next(answers)
            return real(host, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", resolve)
        url, document = fetch_document(f"http://rebind.example:{port}/bob", policy=LOCAL)
    assert document == ACTOR
    (request,) = server.received
    assert request.headers["Host"] == f"rebind.example:{port}"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "0.0.0.0"])
def test_private_addresses_are_refused_by_default(host):
    with http_server({"/bob": actor_reply()}) as server:
        port = server.url.rsplit(":", 1)[1]
        with pytest.raises(AddressNotAllowed):
            fetch_document(f"http://{host}:{port}/bob", policy=Policy(allow_http=True))
    assert server.received == []


def test_http_is_refused_by_default():
    with (
        http_server({"/bob": actor_reply()}) as server,
        pytest.raises(URLNotAllowed, match="not https"),
    ):
        fetch_document(f"{server.url}/bob", policy=Policy(allow_private=True))
    assert server.received == []


@pytest.mark.parametrize(
    "url", ["", "/users/bob", "mailto:bob@example.com", "https://:80/", "https://[abc/"]
)
def test_urls_that_are_not_http_are_refused(url):
    with pytest.raises(URLNotAllowed):
        fetch_document(url, policy=LOCAL)


@pytest.mark.parametrize("unsized", [False, True], ids=["content-length", "streamed"])
def test_a_document_over_the_size_cap_is_refused(unsized):
    big = json.dumps({**ACTOR, "summary": "x" * 5000}).encode()
    reply = Reply(body=big, headers=AS_JSON, unsized=unsized)
    small = Policy(allow_http=True, allow_private=True, timeout=2, max_bytes=4096)
    with http_server({"/bob": reply}) as server, pytest.raises(ResponseTooLarge):
        fetch_document(f"{server.url}/bob", policy=small)
        # Under the cap, the same streamed answer is read to its end.
        assert fetch_document(f"{server.url}/bob", policy=LOCAL).document["summary"]


def test_the_default_cap_is_a_megabyte():
    big = b'{"a": "' + b"x" * (1 << 20) + b'"}'
    with (
        http_server({"/bob": Reply(body=big, headers=AS_JSON, unsized=True)}) as server,
        pytest.raises(ResponseTooLarge, match="1048576"),
    ):
        fetch_document(f"{server.url}/bob", policy=Policy(allow_http=True, allow_private=True))


def test_a_server_that_does_not_answer_in_time_is_given_up_on():
    quick = Policy(allow_http=True, allow_private=True, timeout=0.3)
    with (
        http_server({"/bob": actor_reply(delay=3)}) as server,
        pytest.raises(RequestFailed, match="timed out"),
    ):
        fetch_document(f"{server.url}/bob", policy=quick)


def test_a_server_dripping_its_answer_is_given_up_on():
    # Every byte comes before the read timeout; the whole answer would take far longer.
    quick = Policy(allow_http=True, allow_private=True, timeout=0.3)
    with (
        http_server({"/bob": actor_reply(drip=0.05)}) as server,
        pytest.raises(RequestFailed, match="too slow"),
    ):
        fetch_document(f"{server.url}/bob", policy=quick)


def test_a_closed_port_fails_clearly(free_port):
    with pytest.raises(RequestFailed, match="failed"):
        fetch_document(f"http://127.0.0.1:{free_port}/bob", policy=LOCAL)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(body=b"<html></html>", headers={"Content-Type": "text/html"}), "text/html"),
        (Reply(body=json.dumps(ACTOR).encode()), "untyped"),
        (Reply(body=b"{not json", headers=AS_JSON), "not valid JSON"),
        (Reply(body=b"[1, 2]", headers=AS_JSON), "not an object"),
        (Reply(body=b"[" * 100_000, headers=AS_JSON), "not valid JSON"),
    ],
    ids=["html", "untyped", "invalid", "array", "nested-too-deep"],
)
def test_an_answer_that_is_not_activitypub_json_is_refused(reply, message):
    with http_server({"/bob": reply}) as server, pytest.raises(NotActivityJSON, match=message):
        fetch_document(f"{server.url}/bob", policy=LOCAL)


@pytest.mark.parametrize("location", ["http://ex\u00e9mple.test/", "http://[abc/"])
def test_a_location_that_cannot_be_read_fails_clearly(location):
    moved = Reply(302, headers={"Location": location})
    with http_server({"/a": moved}) as server, pytest.raises(RequestFailed, match="cannot be read"):
        fetch_document(f"{server.url}/a", policy=LOCAL)


@pytest.mark.parametrize("status", [404, 410, 500])
def test_an_error_status_is_reported(status):
    with (
        http_server({"/bob": Reply(status, b"no")}) as server,
        pytest.raises(RequestFailed) as failure,
    ):
        fetch_document(f"{server.url}/bob", policy=LOCAL)
    assert failure.value.status_code == status


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),  # cloud metadata
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2001:db8::1", False),
    ],
)
def test_which_addresses_are_public(address, public):
    assert is_public(address) is public


def test_the_apps_settings_are_the_default_policy(make_app):
    app = make_app(
        FEDERATION_ALLOW_HTTP=True, FEDERATION_TIMEOUT=3, FEDERATION_MAX_DOCUMENT_BYTES=9
    )
    with app.app_context():
        # The site's domain blocks say which hosts are refused (app/activitypub/domains.py).
        refused = app.extensions["federation_refused_hosts"]
        policy = Policy(allow_http=True, timeout=3, max_bytes=9, refused_hosts=refused)
        assert Policy.from_app() == policy
    assert Policy.from_app() == Policy()


def test_an_image_is_fetched_with_its_type_checked():
    routes = {
        "/a.png": Reply(body=b"\x89PNG...", headers={"Content-Type": "image/png"}),
        "/moved": Reply(302, headers={"Location": "/a.png"}),
        "/page": Reply(body=b"<html></html>", headers={"Content-Type": "text/html"}),
        "/svg": Reply(body=b"<svg/>", headers={"Content-Type": "image/svg+xml"}),
        "/big": Reply(body=b"x" * 2000, headers={"Content-Type": "image/jpeg"}),
    }
    with http_server(routes) as server:
        assert fetch_image(f"{server.url}/moved", 1000, LOCAL) == b"\x89PNG..."
        assert server.received[-1].headers["Accept"].startswith("image/gif, image/jpeg")
        for path in ("/page", "/svg"):
            with pytest.raises(NotAnImage):
                fetch_image(server.url + path, 1000, LOCAL)
        with pytest.raises(ResponseTooLarge):
            fetch_image(f"{server.url}/big", 1000, LOCAL)
        with pytest.raises(RequestFailed):
            fetch_image(f"{server.url}/missing", 1000, LOCAL)
        with pytest.raises(AddressNotAllowed):
            fetch_image(f"{server.url}/a.png", 1000, Policy(allow_http=True))
