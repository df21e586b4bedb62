"""https through the address check: the connection goes to the checked address, while SNI
and the certificate check still use the host's name."""

import datetime
import json
import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.federation.fetch import Policy, RequestFailed, fetch_document
from tests.federation.servers import Reply, http_server

ACTOR = {"id": "https://fedi.test/users/bob", "type": "Person"}


def certificate(tmp_path, name: str):
    """A self-signed certificate for `name`: its PEM file, and a server context using it."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file = tmp_path / f"{name}.pem"
    key_file = tmp_path / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return str(cert_file), context


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
        policy = Policy(allow_private=True, timeout=2, verify=ca)
        url, document = fetch_document(f"https://fedi.test:{port}/users/bob", policy=policy)
    assert document == ACTOR
    assert names == ["fedi.test"]
    assert server.received[0].headers["Host"] == f"fedi.test:{port}"


def test_a_certificate_for_another_name_is_refused(tmp_path, fedi_test_is_local):
    ca, context = certificate(tmp_path, "other.test")
    with serve_actor(context, []) as server:
        port = server.url.rsplit(":", 1)[1]
        policy = Policy(allow_private=True, timeout=2, verify=ca)
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
