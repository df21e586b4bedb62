"""Our ActivityPub server against Fedify, an implementation nobody here wrote: it finds alice
and reads her actor, a Note and the outbox, and checks the signatures we make; then, as a
remote server, it signs a Follow of alice that our inbox must take (and refuse once changed).

The app is served over https on 127.0.0.1 (Fedify looks up acct: handles over https only)
with a certificate of its own that Node trusts through NODE_EXTRA_CA_CERTS; the script,
tests/fedify/interop.mjs, prints what Fedify made of each, and the tests assert on that.
"""

import datetime
import json
import os
import shutil
import subprocess
import threading
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.activitypub import documents, instance_actor
from app.extensions import db
from app.federation.signatures import BadSignature, http_date, sign_request, verify_request
from app.models import Post, User
from tests.activitypub.conftest import write
from tests.certificates import certificate
from tests.settings import TEST_CONFIG

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("interop.mjs")
HOST = "127.0.0.1"
BODY = "Hello from microblog to Fedify"

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("fedify")]


def missing_requirement() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (the Fedify interop test runs a Node script)"
    if not (ROOT / "node_modules" / "@fedify" / "fedify").is_dir():
        return "node_modules/@fedify/fedify is missing: run `npm ci`"
    return None


class Site:
    """The app served over https from a thread, with alice and one post of hers."""

    def __init__(self, folder: Path) -> None:
        self.ca, context = certificate(folder, HOST)
        self.app = create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'app.db'}",
                "MEDIA_FOLDER": str(folder / "media"),
                "PREFERRED_URL_SCHEME": "https",
                # Fedify's actor (tests/fedify/interop.mjs) is served on this machine over http.
                "FEDERATION_ALLOW_PRIVATE_ADDRESSES": True,
                "FEDERATION_ALLOW_HTTP": True,
            }
        )
        with self.app.app_context():
            db.create_all()
        (self.post_id,) = write(self.app, "alice", BODY)
        self.server = make_server(HOST, 0, self.app, threaded=True, ssl_context=context)
        self.host = f"{HOST}:{self.server.server_port}"
        # Ids are built on the canonical origin, known only once the port is.
        self.app.config["SERVER_NAME"] = self.host
        self.url = f"https://{self.host}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()

    def alice(self) -> User:
        return db.session.scalar(select(User).where(User.username == "alice"))

    def signed_post(self, body: bytes) -> dict:
        """A POST to a remote inbox as our delivery signs it, as alice."""
        with self.app.app_context():
            alice = self.alice()
            headers = sign_request(
                "POST",
                f"{self.url}/inbox",
                {"Content-Type": "application/activity+json"},
                body,
                documents.key_id(alice),
                alice.signing_key(),
            )
            db.session.commit()  # her key, if it was made just now
        return {"method": "POST", "url": f"{self.url}/inbox", "headers": headers, "body": body}


def a_signed_fetch(site: Site) -> dict:
    """A GET of ours, signed with the site's key as every fetch is, as a server received it."""
    received: list[dict] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            received.append(dict(self.headers))
            body = json.dumps({"id": url, "type": "Note", "content": "fetched"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/activity+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer((HOST, 0), Recorder)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    url = f"http://{HOST}:{server.server_port}/notes/1"
    try:
        with site.app.app_context():
            instance_actor.signed_fetch(url)
            db.session.commit()  # the site's key, if it was made just now
    finally:
        server.shutdown()
        serving.join()
        server.server_close()
    (headers,) = received
    return {"method": "GET", "url": url, "headers": headers, "body": None}


def run_interop(site: Site, folder: Path) -> dict:
    activity = json.dumps({"type": "Note", "content": "signed by microblog"}).encode()
    signed = site.signed_post(activity)
    headers = signed["headers"]
    # One header changed after signing: still a fresh date, but not the one signed.
    later = http_date(parsedate_to_datetime(headers["Date"]) + datetime.timedelta(seconds=1))
    with site.app.app_context():
        note = documents.note_id(db.session.get(Post, site.post_id))
    config = {
        "handle": f"acct:alice@{site.host}",
        "note": note,
        "signed": {**signed, "body": activity.decode()},
        "fetch": a_signed_fetch(site),
        "follow": {"actor": f"{site.url}/users/alice"},
        "tampered": {
            "body": {**signed, "body": activity.decode().replace("signed", "forged")},
            "date": {**signed, "body": activity.decode(), "headers": {**headers, "Date": later}},
        },
    }
    config_file = folder / "interop.json"
    config_file.write_text(json.dumps(config))
    completed = subprocess.run(
        ["node", str(SCRIPT), str(config_file)],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "NODE_EXTRA_CA_CERTS": str(site.ca)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)
    running = Site(tmp_path_factory.mktemp("fedify-site"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def seen(site, tmp_path_factory):
    """What Fedify made of the site, step by step (see interop.mjs)."""
    return run_interop(site, tmp_path_factory.mktemp("fedify-run"))


def alice_public_key(site: Site) -> str:
    with site.app.app_context():
        return site.alice().public_key_pem()


def same_key(pem_a: str, pem_b: str) -> bool:
    load = serialization.load_pem_public_key
    der = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return load(pem_a.encode()).public_bytes(*der) == load(pem_b.encode()).public_bytes(*der)


def test_nothing_was_fetched_from_outside_this_machine(seen):
    assert seen["refused"] == []


def test_webfinger_finds_alice(seen, site):
    webfinger = seen["webfinger"]
    assert webfinger["subject"] == f"acct:alice@{site.host}"
    self_links = [link for link in webfinger["links"] if link["rel"] == "self"]
    assert self_links == [
        {"rel": "self", "type": "application/activity+json", "href": f"{site.url}/users/alice"}
    ]


def test_her_actor_is_a_person_with_her_key(seen, site):
    actor = seen["actor"]
    assert actor["id"] == f"{site.url}/users/alice"
    assert actor["type"] == "Person"
    assert actor["preferredUsername"] == "alice"
    assert actor["inbox"] == f"{site.url}/users/alice/inbox"
    assert actor["outbox"] == f"{site.url}/users/alice/outbox"
    assert actor["sharedInbox"] == f"{site.url}/inbox"
    key = actor["publicKey"]
    assert key["id"] == f"{site.url}/users/alice#main-key"
    assert key["owner"] == actor["id"]
    assert same_key(key["pem"], alice_public_key(site))


def test_her_post_is_a_public_note(seen, site):
    note = seen["note"]
    assert note["id"] == f"{site.url}/post/{site.post_id}"
    assert note["type"] == "Note"
    assert BODY in note["content"]
    assert note["attributedTo"] == f"{site.url}/users/alice"
    assert "https://www.w3.org/ns/activitystreams#Public" in note["to"]


def test_her_outbox_pages_to_the_create_of_her_post(seen, site):
    outbox = seen["outbox"]
    assert outbox["id"] == f"{site.url}/users/alice/outbox"
    assert outbox["type"] == "OrderedCollection"
    assert outbox["totalItems"] == 1
    assert outbox["first"]["type"] == "OrderedCollectionPage"
    note = f"{site.url}/post/{site.post_id}"
    assert outbox["first"]["items"] == [
        {"id": f"{note}/activity", "type": "Create", "object": note}
    ]


def test_fedify_accepts_our_signature(seen, site):
    key = seen["signed"]
    assert key is not None and "error" not in key, key
    assert key["id"] == f"{site.url}/users/alice#main-key"
    assert key["owner"] == f"{site.url}/users/alice"
    assert same_key(key["pem"], alice_public_key(site))


def test_fedify_accepts_the_signature_of_our_fetches(seen, site):
    """Servers in "authorized fetch" mode answer only signed GETs: they must take ours."""
    key = seen["fetch"]
    assert key is not None and "error" not in key, key
    with site.app.app_context():
        key_id, pem = instance_actor.key_id(), instance_actor.instance_key().public_key_pem
    assert key["id"] == key_id == f"{site.url}/actor#main-key"
    assert key["owner"] == f"{site.url}/actor"
    assert same_key(key["pem"], pem)


@pytest.mark.parametrize("change", ["body", "date"])
def test_fedify_refuses_our_signature_on_a_changed_request(seen, change):
    assert seen["tampered"][change] is None


def test_our_verifier_takes_a_request_fedify_signed(seen, site):
    follow = seen["follow"]
    request = follow["request"]
    path = urlsplit(request["url"]).path
    key_id = verify_request(
        "POST",
        path,
        request["headers"],
        request["body"].encode(),
        {f"{follow['actor']}#main-key": follow["publicKey"]}.get,
        datetime.datetime.now(datetime.UTC),
    )
    assert key_id == f"{follow['actor']}#main-key"
    with pytest.raises(BadSignature):
        verify_request(
            "POST",
            path.replace("alice", "bob"),
            request["headers"],
            request["body"].encode(),
            {key_id: follow["publicKey"]}.get,
            datetime.datetime.now(datetime.UTC),
        )


def test_our_inbox_takes_a_follow_fedify_signed(seen, site):
    follow = seen["follow"]
    assert "error" not in follow, follow
    assert 200 <= follow["status"] < 300
    assert follow["followers"] == 1
    with site.app.app_context():
        followers = db.session.scalars(site.alice().followers.select()).all()
        assert [user.remote_actor.uri for user in followers] == [follow["actor"]]


@pytest.mark.parametrize("change", ["date", "body"])
def test_our_inbox_refuses_that_follow_changed(seen, change):
    assert seen["follow"]["tampered"][change] == 401


def test_we_accept_the_follow_with_a_signature_fedify_checks(seen, site):
    follow = seen["follow"]
    accept = follow["accept"]
    assert accept is not None, "no Accept reached Fedify's inbox"
    assert accept["type"] == "Accept"
    assert accept["actor"] == f"{site.url}/users/alice"
    assert accept["object"] == follow["follow"]
    assert accept["deliveries"] == 1
    assert accept["key"]["id"] == f"{site.url}/users/alice#main-key"
