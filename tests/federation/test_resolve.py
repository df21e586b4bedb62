"""A host's name resolved in bounded time (app/federation/resolve.py): a resolver that hangs
costs a fetch its timeout, not the resolver's own (often far longer)."""

import socket
import threading

import pytest

from app.federation import resolve
from app.federation.fetch import Policy, RequestFailed, fetch_document

ANSWER = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]


@pytest.fixture
def hanging_resolver(monkeypatch):
    """socket.getaddrinfo answering no one until the test ends (or a minute has passed)."""
    released = threading.Event()
    asked: list[str] = []

    def hang(host, port, *args, **kwargs):
        asked.append(host)
        released.wait(60)
        # Were the wait not cut short, this address would be refused: a fetch would fail
        # with AddressNotAllowed, not RequestFailed.
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    yield asked
    released.set()


def test_a_resolver_that_hangs_fails_the_fetch_at_its_timeout(hanging_resolver):
    with pytest.raises(RequestFailed, match="no answer from the resolver") as failed:
        fetch_document("https://slow-dns.example/users/bob", policy=Policy(timeout=0.2))
    assert failed.value.may_pass  # the inbox's job is tried again later
    assert hanging_resolver == ["slow-dns.example"]


def test_lookups_past_the_limit_wait_for_a_free_one(hanging_resolver, monkeypatch):
    monkeypatch.setattr(resolve, "_running", threading.BoundedSemaphore(1))
    with pytest.raises(TimeoutError, match="no answer"):
        resolve.getaddrinfo("slow-dns.example", 443, 0.1)
    with pytest.raises(TimeoutError, match="too many lookups"):
        resolve.getaddrinfo("other.example", 443, 0.1)
    assert hanging_resolver == ["slow-dns.example"]


def test_an_answer_and_an_error_are_handed_on(monkeypatch):
    def answer(host, port, *args, **kwargs):
        if host == "gone.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return ANSWER

    monkeypatch.setattr(socket, "getaddrinfo", answer)
    assert resolve.getaddrinfo("example.com", 443, 1) == ANSWER
    with pytest.raises(socket.gaierror):
        resolve.getaddrinfo("gone.example", 443, 1)
    with pytest.raises(RequestFailed, match="gone.example does not resolve"):
        fetch_document("https://gone.example/users/bob", policy=Policy(timeout=1))
