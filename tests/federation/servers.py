"""Real HTTP servers on 127.0.0.1 for the federation tests: each answers from a table of
paths and records what it was sent."""

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait before answering, and between the body's bytes (then sent one by one).
    delay: float = 0
    drip: float = 0
    # Send no Content-Length: the body ends when the connection closes.
    unsized: bool = False


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Server:
    def __init__(self, routes: dict[str, Reply], answer=None) -> None:
        self.routes = routes
        # answer(received) -> Reply, for replies that depend on the request.
        self.answer = answer
        self.received: list[Received] = []
        self.url = ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: Server

    def do_GET(self) -> None:
        self.respond()

    def do_POST(self) -> None:
        self.respond()

    def respond(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = Received(
            self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
        )
        state = self.server.state  # type: ignore[attr-defined]
        state.received.append(received)
        reply = state.routes.get(self.path) or (state.answer and state.answer(received))
        reply = reply or Reply(404, b"not here")
        time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.unsized:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if reply.drip:
                for byte in reply.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(reply.drip)
            else:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should have

    def log_message(self, format, *args) -> None:
        pass


@contextmanager
def http_server(
    routes: dict[str, Reply] | None = None,
    answer=None,
    port: int = 0,
    host: str = "127.0.0.1",
    tls: ssl.SSLContext | None = None,
) -> Iterator[Server]:
    """A server answering from `routes` (or `answer`), over TLS with the `tls` context."""
    state = Server(routes or {}, answer)
    httpd = ThreadingHTTPServer((host, port), Handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    httpd.state = state  # type: ignore[attr-defined]
    state.url = f"{'https' if tls else 'http'}://{host}:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
