"""Two instances of our app talk to each other: A and B, each gunicorn on its own port of
127.0.0.1 with its own database (B's on TEST_POSTGRES_URL's server when there is one). A
delivers through Redis and its own `flask federation worker` when TEST_REDIS_URL is set, B
from its own threads: each kind of runner carries one direction. People use the real pages
(search, follow, reply, like and boost buttons, follow requests) and the API; what the other
site makes of it is read from its pages and API, waited for (it crosses in the background),
never timed. Last, B goes down for a while, and what A sent meanwhile arrives after all."""

import json
import os
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.databases import server_database
from tests.system.fediverse import Instance, migrated_sqlite, reachable_redis, start_sites
from tests.system.fediverse_clients import Browser, eventually

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("fediverse")]

USERS = {
    "a": ("alice", "ann", "ava", "ada", "abe", "amy", "ali"),
    "b": ("bob", "ben", "bea", "bud", "bill", "bo", "bert"),
}
# A's retries come soon (the worker also looks for due ones every few seconds), and for
# longer than B is ever down here.
RETRIES = ",".join(["1"] * 5 + ["2"] * 10 + ["5"] * 20)


def b_database(stack: ExitStack) -> str | None:
    """A database on TEST_POSTGRES_URL's server for B, if there is one; else None (SQLite)."""
    if not os.environ.get("TEST_POSTGRES_URL"):
        return None
    try:
        return stack.enter_context(server_database("postgres"))
    except pytest.skip.Exception:  # set, but unreachable: B stays on SQLite
        return None


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fediverse")
    with ExitStack() as stack:
        redis_url, _ = reachable_redis()
        a = Instance("a", folder, redis_url=redis_url, FEDERATION_RETRY_INTERVALS=RETRIES)
        b = Instance("b", folder, database_url=b_database(stack))
        stack.callback(b.close)
        stack.callback(a.close)
        start_sites(a, b, template=migrated_sqlite(folder), users=USERS)
        yield a, b


def follow(browser: Browser, other: Instance, username: str) -> str:
    """The browser's user finds username@other by search and follows them; their handle here,
    once the other site's Accept has made it a follow."""
    profile = browser.find(f"@{username}@{other.host}")
    handle = profile.rpartition("/")[2]
    browser.follow(handle)
    follower = browser.site.api(browser.username)
    me = follower.user_id(browser.username)
    eventually(lambda: handle in follower.names(f"/users/{me}/following"), browser.site, other)
    return handle


def test_alice_finds_bob_by_his_handle_and_follows_him(sites):
    a, b = sites
    alice = a.browser("alice")
    profile = alice.find(f"@bob@{b.host}")
    assert profile == f"/user/bob@{b.host}"
    page = alice.get(profile)
    assert page.status_code == 200
    assert f"bob@{b.host}" in page.text
    alice.follow(f"bob@{b.host}")
    bob = b.api("bob")
    bob_id = bob.user_id("bob")
    eventually(lambda: bob.names(f"/users/{bob_id}/followers") == [f"alice@{a.host}"], a, b)
    # B's Accept has come back: A counts it a follow, and says so on bob's profile.
    at_a = a.api("alice")
    alice_id = at_a.user_id("alice")
    eventually(lambda: at_a.names(f"/users/{alice_id}/following") == [f"bob@{b.host}"], a, b)
    assert ">Unfollow<" in alice.get(profile).text


def test_a_follow_waits_for_bobs_approval(sites):
    a, b = sites
    ben = b.browser("ben")
    ben.post("/edit_profile", {"username": "ben", "about_me": "", "approve_followers": "y"})
    ann = a.browser("ann")
    handle = ann.find(f"@ben@{b.host}").rpartition("/")[2]
    ann.follow(handle)
    assert "Follow requested" in ann.get(f"/user/{handle}").text
    asking = eventually(lambda: ben.follow_requests(), a, b)
    assert list(asking) == [f"ann@{a.host}"]
    at_a = a.api("ann")
    ann_id = at_a.user_id("ann")
    # Asked, not followed: ben has not answered.
    assert at_a.names(f"/users/{ann_id}/following") == []
    ben.button(f"/follow-requests/{asking[f'ann@{a.host}']}/accept", "/follow-requests")
    eventually(lambda: at_a.names(f"/users/{ann_id}/following") == [handle], a, b)
    assert ">Unfollow<" in ann.get(f"/user/{handle}").text
    at_b = b.api("ben")
    assert at_b.names(f"/users/{at_b.user_id('ben')}/followers") == [f"ann@{a.host}"]
    assert ben.follow_requests() == {}


def test_posts_replies_likes_and_boosts_cross(sites):
    a, b = sites
    ava = a.browser("ava")
    bea_handle = follow(ava, b, "bea")
    bea, at_a = b.api("bea"), a.api("ava")
    bea_post = bea.write("Hello from B, #fediverse")
    seen = eventually(lambda: at_a.post_with("Hello from B, #fediverse"), a, b)
    assert seen["author"]["username"] == bea_handle
    assert seen["tags"] == ["fediverse"]

    reply_at_a = ava.reply(seen["id"], "Hello back from A")
    alert = eventually(lambda: bea.get("/alerts")["items"], a, b)[0]
    assert alert["kind"] == "mention"
    assert alert["actor"]["username"] == f"ava@{a.host}"
    reply_at_b = alert["post_id"]
    assert bea.get(f"/posts/{reply_at_b}")["in_reply_to"] == bea_post
    assert bea.bodies(f"/posts/{bea_post}/replies") == ["Hello back from A"]

    ava.button(f"/post/{seen['id']}/like", f"/post/{seen['id']}")
    ava.button(f"/post/{seen['id']}/boost", f"/post/{seen['id']}")
    counted = eventually(
        lambda: (p := bea.get(f"/posts/{bea_post}"))["like_count"] and p["boost_count"] and p,
        a, b,
    )  # fmt: skip
    assert (counted["like_count"], counted["boost_count"]) == (1, 1)
    assert bea.names(f"/posts/{bea_post}/likes") == [f"ava@{a.host}"]

    bea.change("POST", f"/posts/{reply_at_b}/like")
    bea.change("POST", f"/posts/{reply_at_b}/boost")
    counted = eventually(
        lambda: (p := at_a.get(f"/posts/{reply_at_a}"))["like_count"] and p["boost_count"] and p,
        a, b,
    )  # fmt: skip
    assert (counted["like_count"], counted["boost_count"]) == (1, 1)
    assert at_a.names(f"/posts/{reply_at_a}/likes") == [bea_handle]

    # Taken back: the Undo crosses too.
    ava.button(f"/post/{seen['id']}/unlike", f"/post/{seen['id']}")
    eventually(lambda: bea.get(f"/posts/{bea_post}")["like_count"] == 0, a, b)
    assert bea.get(f"/posts/{bea_post}")["boost_count"] == 1

    # bea does not follow ava: her edit and deletion reach B as her reply did, for answering.
    ava.edit(reply_at_a, "Hello again from A")
    eventually(lambda: bea.get(f"/posts/{reply_at_b}")["body"] == "Hello again from A", a, b)
    ava.button(f"/post/{reply_at_a}/delete", f"/post/{reply_at_a}")
    eventually(lambda: bea.call("GET", f"/posts/{reply_at_b}").status_code == 404, a, b)
    assert bea.bodies(f"/posts/{bea_post}/replies") == []


def test_edits_and_deletions_cross(sites):
    a, b = sites
    ada, bud = a.browser("ada"), b.browser("bud")
    follow(ada, b, "bud")
    follow(bud, a, "ada")
    at_a, at_b = a.api("ada"), b.api("bud")

    post = at_b.write("Bud's first take")
    copy = eventually(lambda: at_a.post_with("Bud's first take"), a, b)["id"]
    at_b.change("PUT", f"/posts/{post}", json={"body": "Bud's second take"})
    eventually(lambda: at_a.get(f"/posts/{copy}")["body"] == "Bud's second take", a, b)
    assert at_a.get(f"/posts/{copy}")["edited_at"] is not None
    at_b.change("DELETE", f"/posts/{post}")
    eventually(lambda: at_a.call("GET", f"/posts/{copy}").status_code == 404, a, b)
    assert at_a.post_with("Bud's second take") is None
    assert ada.get(f"/post/{copy}").status_code == 404

    # Ada's next post after deleting her newest is a new one at B too (SQLite gave it the
    # deleted one's id, and its URI, once).
    oops = at_a.write("Ada's typo")
    oops_at_b = eventually(lambda: at_b.post_with("Ada's typo"), a, b)["id"]
    at_a.change("DELETE", f"/posts/{oops}")
    eventually(lambda: at_b.call("GET", f"/posts/{oops_at_b}").status_code == 404, a, b)
    at_a.write("Ada's news")
    eventually(lambda: at_b.post_with("Ada's news"), a, b)


def test_unfollows_cross(sites):
    a, b = sites
    abe, bill = a.browser("abe"), b.browser("bill")
    bill_handle, abe_handle = follow(abe, b, "bill"), follow(bill, a, "abe")
    at_a, at_b = a.api("abe"), b.api("bill")
    abe_id, bill_id = at_a.user_id("abe"), at_b.user_id("bill")
    assert at_a.names(f"/users/{abe_id}/followers") == [bill_handle]
    assert at_b.names(f"/users/{bill_id}/followers") == [abe_handle]

    bill.unfollow(abe_handle)
    eventually(lambda: at_a.names(f"/users/{abe_id}/followers") == [], a, b)
    abe.unfollow(bill_handle)
    eventually(lambda: at_b.names(f"/users/{bill_id}/followers") == [], a, b)
    assert at_a.names(f"/users/{abe_id}/following") == []
    assert at_b.names(f"/users/{bill_id}/following") == []


def like_of(a: Instance, post_uri: str) -> bytes:
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{a.actor('amy')}#like/{uuid.uuid4().hex}",
        "type": "Like",
        "actor": a.actor("amy"),
        "object": post_uri,
    }
    return json.dumps(activity).encode()


def test_forged_and_replayed_signatures_are_refused(sites):
    a, b = sites
    at_b = b.api("bo")
    post = at_b.write("Like this, if you can")
    inbox, like = f"{b.url}/inbox", like_of(a, b.post_uri(post))
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged_key = stranger.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    stale = datetime.now(UTC) - timedelta(hours=13)

    assert a.deliver(inbox, like, "amy", key=forged_key).status_code == 401
    assert a.deliver(inbox, like, "amy", Date=later).status_code == 401
    assert a.deliver(inbox, like, "amy", now=stale).status_code == 401
    assert a.deliver(inbox, like, "amy", to=f"{b.url}/users/bo/inbox").status_code == 401
    assert at_b.get(f"/posts/{post}")["like_count"] == 0

    # The same Like, signed as A signs it, is taken (handled in the background); sent again
    # once it was, it counts once.
    assert a.deliver(inbox, like, "amy").status_code == 202
    eventually(lambda: at_b.get(f"/posts/{post}")["like_count"] == 1, a, b)
    assert a.deliver(inbox, like, "amy").status_code == 202
    assert at_b.get(f"/posts/{post}")["like_count"] == 1
    assert at_b.names(f"/posts/{post}/likes") == [f"amy@{a.host}"]


def test_what_a_sends_while_b_is_down_arrives_once_b_is_back(sites):
    a, b = sites
    if a.redis_url is None:
        pytest.skip(reachable_redis()[1] + " (without it A tries each delivery once)")
    ali, bert = a.browser("ali"), b.browser("bert")
    follow(ali, b, "bert")
    ali_handle = follow(bert, a, "ali")
    at_a, at_b = a.api("ali"), b.api("bert")
    bert_post = at_b.write("Bert, before the outage")
    copy = eventually(lambda: at_a.post_with("Bert, before the outage"), a, b)["id"]

    b.stop()
    try:
        at_a.write("Ali, during the outage")
        ali.button(f"/post/{copy}/like", f"/post/{copy}")
        ali.button(f"/post/{copy}/boost", f"/post/{copy}")
        ali.reply(copy, "Ali answers during the outage")
        # Each was tried, refused (B is not there), and waits for its next try.
        eventually(lambda: a.retries_for(b) >= 4, a, b)
    finally:
        b.start()

    eventually(lambda: at_b.post_with("Ali, during the outage"), a, b)
    eventually(lambda: at_b.get(f"/posts/{bert_post}")["like_count"] == 1, a, b)
    eventually(lambda: at_b.get(f"/posts/{bert_post}")["boost_count"] == 1, a, b)
    eventually(
        lambda: at_b.bodies(f"/posts/{bert_post}/replies") == ["Ali answers during the outage"],
        a, b,
    )  # fmt: skip
    alerts = at_b.get("/alerts")["items"]
    assert [alert["actor"]["username"] for alert in alerts] == [ali_handle]
    assert at_b.names(f"/posts/{bert_post}/likes") == [ali_handle]
