"""https through the address check: the connection goes to the checked address, while SNI
and the certificate check still use the host's name."""

import json
import socket

import pytest

from app.federation.fetch import Policy, RequestFailed, fetch_document
from tests.certificates import certificate
from tests.federation.servers import Reply, http_server

ACTOR = {"id": "https://fedi.test/users/bob", "type": "Person"}


@pytest.fixture
def fedi_test_is_local(monkeypatch):
    """fedi.test resolves to 127.0.0.1 (and every other name as usual)."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        return real("127.0.0.1" if host == "fedi.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def serve_actor(context, names):
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    body = json.dumps(ACTOR).encode()
    reply = Reply(body=body, headers={"Content-Type": "application/activity+json"})
    return http_server({"/users/bob": reply}, tls=context)


def test_https_is_checked_against_the_hosts_name(tmp_path, fedi_test_is_local):
    ca, context = certificate(tmp_path, "fedi.test")
    names = []
    with serve_actor(context, names) as server:
        port = server.url.rsplit(":", 1)[1]
        policy = Policy(allow_private=True, timeout=2, verify=str(ca))
        url, document = fetch_document(f"https://fedi.test:{port}/users/bob", policy=policy)
    assert document == ACTOR
    assert names == ["fedi.test"]
    assert server.received[0].headers["Host"] == f"fedi.test:{port}"


def test_a_certificate_for_another_name_is_refused(tmp_path, fedi_test_is_local):
    ca, context = certificate(tmp_path, "other.test")
    with serve_actor(context, []) as server:
        port = server.url.rsplit(":", 1)[1]
        policy = Policy(allow_private=True, timeout=2, verify=str(ca))
        with pytest.raises(RequestFailed, match="fedi.test"):
            fetch_document(f"https://fedi.test:{port}/users/bob", policy=policy)
    assert server.received == []


def test_an_unknown_certificate_authority_is_refused(tmp_path, fedi_test_is_local):
    _, context = certificate(tmp_path, "fedi.test")
    with serve_actor(context, []) as server:
        port = server.url.rsplit(":", 1)[1]
        with pytest.raises(RequestFailed, match="CERTIFICATE_VERIFY_FAILED"):
            fetch_document(
                f"https://fedi.test:{port}/users/bob", policy=Policy(allow_private=True, timeout=2)
            )
