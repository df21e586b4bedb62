"""Deliveries per second to 1,000 followers on 100 hosts, signatures verified per second, and
signed activities per second taken by our inbox.

    .venv/bin/python benchmarks/federation.py [--redis redis://127.0.0.1:6379/0]
        [--followers 1000] [--hosts 100] [--workers 1] [--verifications 2000]
        [--activities 500] [--only deliveries,verify,inbox]

The 100 "hosts" are 100 HTTP servers on 127.0.0.1 (one port each, so one delivery queue
each), run by a child process; each inbox checks the signature of every delivery, as a
real server would. Without --redis the deliveries go through the app's thread pool (the
fallback without Redis); with it they are queued (one RQ queue per host, under a prefix of
this run's own, removed afterwards) and delivered by --workers federation workers.
Everything listens on and talks to 127.0.0.1 only.

The inbox part POSTs --activities signed Creates (each a new public Note of bob, a remote
account alice follows, his key already known, its language given as Mastodon gives it) to
/inbox through the test client, on a SQLite file: each is verified, checked and queued.
Without --redis each is handled on the app's inbox thread, which a test app waits for, so
the rate is verify + handle; with it the POSTs only queue, and one federation worker then
handles them (timed apart).
"""

import argparse
import json
import multiprocessing
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.federation.delivery import SigningKey, deliver, set_key_loader  # noqa: E402
from app.federation.signatures import sign_request, verify_request  # noqa: E402
from tests import queues  # noqa: E402

KEY_ID = "https://blog.example/users/alice#main-key"
ACTIVITY = {
    "@context": "https://www.w3.org/ns/activitystreams",
    "id": "https://blog.example/posts/1/activity",
    "type": "Create",
    "actor": "https://blog.example/users/alice",
    "to": ["https://www.w3.org/ns/activitystreams#Public"],
    "object": {"type": "Note", "content": "<p>Hello, fediverse</p>" * 10},
}


def make_key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def serve_inboxes(public_pem: str, hosts: int, ports, counter, ready) -> None:
    """The child process: `hosts` inbox servers, counting the deliveries that verify."""
    lookup = {KEY_ID: public_pem}.get

    class Inbox(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                verify_request("POST", self.path, self.headers, body, lookup, datetime.now(UTC))
                status = 202
                with counter.get_lock():
                    counter.value += 1
            except Exception:
                status = 401
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args) -> None:
            pass

    for n in range(hosts):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Inbox)
        server.daemon_threads = True
        ports[n] = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.set()
    threading.Event().wait()


def run_worker(settings: dict, private_pem: str) -> None:
    """A worker process, as `flask federation worker --burst` runs one."""
    from app.federation.worker import FederationWorker

    app = create_app(settings)
    set_key_loader(app, lambda sender_id: SigningKey(KEY_ID, private_pem))
    FederationWorker.for_app(app).work(burst=True, logging_level="WARNING")


def forget_queues(redis_url: str, prefix: str) -> None:
    from redis import Redis

    with Redis.from_url(redis_url) as connection:
        queues.forget_queues(connection, prefix)


def bench_deliveries(args, private_pem: str, public_pem: str) -> None:
    ports = multiprocessing.Array("i", args.hosts)
    counter = multiprocessing.Value("i", 0)
    ready = multiprocessing.Event()
    inboxes_process = multiprocessing.Process(
        target=serve_inboxes, args=(public_pem, args.hosts, ports, counter, ready), daemon=True
    )
    inboxes_process.start()
    ready.wait()
    inboxes = [
        f"http://127.0.0.1:{ports[n % args.hosts]}/users/{n}/inbox" for n in range(args.followers)
    ]
    prefix = f"bench-federation-{uuid.uuid4().hex[:8]}:"
    # A file every worker process opens: deliver() and the jobs read the domain blocks.
    folder = tempfile.TemporaryDirectory()
    settings = {
        "TESTING": True,  # lets the development settings below on (and waits for threads)
        "SECRET_KEY": "benchmark-secret-key-long-enough-for-anything",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder.name}/deliveries.db",
        "REDIS_URL": args.redis,
        "FEDERATION_QUEUE_PREFIX": prefix,
        "FEDERATION_ALLOW_HTTP": True,
        "FEDERATION_ALLOW_PRIVATE_ADDRESSES": True,
    }
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    set_key_loader(app, lambda sender_id: SigningKey(KEY_ID, private_pem))
    try:
        start = time.perf_counter()
        with app.app_context():
            deliver(ACTIVITY, inboxes, sender_id=1)
        queued = time.perf_counter() - start
        if args.redis:
            print(f"queued {len(inboxes)} deliveries on {args.hosts} queues in {queued:.3f}s")
            start = time.perf_counter()
            workers = [
                multiprocessing.Process(target=run_worker, args=(settings, private_pem))
                for _ in range(args.workers)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            elapsed = time.perf_counter() - start
            how = f"{args.workers} federation worker(s), including their start"
        else:
            elapsed = queued
            how = "the app's thread pool (no Redis)"
        print(
            f"delivered {counter.value}/{len(inboxes)} to {args.hosts} hosts in {elapsed:.2f}s "
            f"with {how}: {counter.value / elapsed:.0f} deliveries/s"
        )
    finally:
        if args.redis:
            forget_queues(args.redis, prefix)
        inboxes_process.terminate()
        with app.app_context():
            db.engine.dispose()
        folder.cleanup()


def bench_verify(args, private_pem: str, public_pem: str) -> None:
    lookup = {KEY_ID: public_pem}.get
    body = str(ACTIVITY).encode()
    requests = [
        sign_request(
            "POST", f"https://social.example/users/{n}/inbox", {}, body, KEY_ID, private_pem
        )
        for n in range(100)
    ]
    now = datetime.now(UTC)
    start = time.perf_counter()
    for n in range(args.verifications):
        verify_request("POST", f"/users/{n % 100}/inbox", requests[n % 100], body, lookup, now)
    elapsed = time.perf_counter() - start
    print(
        f"verified {args.verifications} signed activities ({len(body)} bytes, RSA-2048) "
        f"in {elapsed:.2f}s: {args.verifications / elapsed:.0f}/s"
    )


BOB = "https://social.example/users/bob"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def signed_creates(count: int, private_pem: str) -> list[tuple[bytes, dict[str, str]]]:
    """`count` Creates of bob's, each a new Note, signed for http://blog.example/inbox."""
    requests = []
    for n in range(count):
        content = f"<p>Hello, <b>fediverse</b> #{n}</p>" * 3
        # With its language given, as Mastodon gives it (else langdetect guesses, ~0.1 s).
        note = {"id": f"{BOB}/statuses/{n}", "type": "Note", "attributedTo": BOB,
                "content": content, "contentMap": {"en": content}, "to": [PUBLIC],
                "cc": [f"{BOB}/followers"], "published": "2026-12-06T10:00:00Z"}  # fmt: skip
        activity = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
                    "id": f"{BOB}/statuses/{n}/activity", "actor": BOB, "object": note,
                    "to": [PUBLIC]}  # fmt: skip
        body = json.dumps(activity).encode()
        headers = {"Content-Type": "application/activity+json"}
        headers = sign_request(
            "POST", "http://blog.example/inbox", headers, body, f"{BOB}#main-key", private_pem
        )
        requests.append((body, headers))
    return requests


def bench_inbox(args, private_pem: str, public_pem: str) -> None:
    from app.federation.worker import FederationWorker
    from app.models import Post, User

    prefix = f"bench-federation-{uuid.uuid4().hex[:8]}:"
    folder = tempfile.TemporaryDirectory()
    settings = {
        "TESTING": True,  # the inbox thread is waited for: each POST is verify + handle
        "SECRET_KEY": "benchmark-secret-key-long-enough-for-anything",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder.name}/inbox.db",
        "SERVER_NAME": "blog.example",
        "PREFERRED_URL_SCHEME": "http",
        "ACTIVITYPUB_ALLOW_HTTP": True,
        "RATELIMIT_ENABLED": False,
        "REDIS_URL": args.redis,
        "FEDERATION_QUEUE_PREFIX": prefix,
    }
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        alice = User(username="alice", email="alice@blog.example")
        bob = User.remember_remote(BOB, "bob", "social.example", f"{BOB}/inbox",
                                   "https://social.example/inbox", public_pem,
                                   f"{BOB}#main-key")  # fmt: skip
        db.session.add(alice)
        db.session.flush()
        alice.follow(bob)  # so that bob's posts are kept
        db.session.commit()
    requests = signed_creates(args.activities, private_pem)
    client = app.test_client()
    try:
        start = time.perf_counter()
        for body, headers in requests:
            response = client.post("/inbox", data=body, headers=headers)
            assert response.status_code == 202, response.status_code
        taken = time.perf_counter() - start
        how = "verified and queued" if args.redis else "verified and handled (no Redis)"
        print(f"inbox: {len(requests)} signed Creates {how} in {taken:.2f}s: "
              f"{len(requests) / taken:.0f}/s")  # fmt: skip
        if args.redis:
            worker = FederationWorker.for_app(app)
            start = time.perf_counter()
            worker.work(burst=True, logging_level="WARNING")
            handled = time.perf_counter() - start
            print(f"inbox: handled by 1 federation worker in {handled:.2f}s: "
                  f"{len(requests) / handled:.0f}/s")  # fmt: skip
        with app.app_context():
            posts = db.session.scalar(db.select(db.func.count()).select_from(Post))
        assert posts == len(requests), f"{posts} posts kept of {len(requests)}"
    finally:
        if args.redis:
            forget_queues(args.redis, prefix)
        with app.app_context():
            db.engine.dispose()
        folder.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", help="queue through this Redis (default: the thread pool)")
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--verifications", type=int, default=2000)
    parser.add_argument("--activities", type=int, default=500)
    parser.add_argument("--only", default="deliveries,verify,inbox")
    args = parser.parse_args()
    private_pem, public_pem = make_key()
    parts = args.only.split(",")
    if "deliveries" in parts:
        bench_deliveries(args, private_pem, public_pem)
    if "verify" in parts:
        bench_verify(args, private_pem, public_pem)
    if "inbox" in parts:
        bench_inbox(args, private_pem, public_pem)


if __name__ == "__main__":
    main()
