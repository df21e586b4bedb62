"""Mixed traffic through the site for a bounded time, recording every exchange.

Each simulated person signs up, confirms by the emailed link, logs in, then posts, reads
timelines, visits profiles, follows people and asks for password resets; each comes from its
own loopback address, so per-client rate limits treat them as different machines.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

from tests.system.harness import Client, Stack


@dataclass
class Exchange:
    method: str
    path: str
    status: int  # 0 when no answer came back (connection refused, timeout)
    started: float
    ended: float
    body: str = ""  # kept for 5xx answers and failures only


@dataclass
class LoadResult:
    exchanges: list[Exchange] = field(default_factory=list)
    posts: list[tuple[str, str]] = field(default_factory=list)  # (author, body) acknowledged
    follows: list[tuple[str, str]] = field(default_factory=list)  # (follower, followed)
    started: float = 0.0
    ended: float = 0.0

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def server_errors(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.status >= 500 or e.status == 0]

    def latencies_ms(self) -> list[float]:
        return sorted((e.ended - e.started) * 1000 for e in self.exchanges if e.status)

    def percentile(self, fraction: float) -> float:
        values = self.latencies_ms()
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(fraction * len(values)))]

    def summary(self) -> str:
        count = len(self.exchanges)
        rate = count / self.seconds if self.seconds else 0.0
        statuses: dict[int, int] = {}
        for exchange in self.exchanges:
            statuses[exchange.status] = statuses.get(exchange.status, 0) + 1
        mean = statistics.fmean(self.latencies_ms()) if self.latencies_ms() else float("nan")
        return (
            f"{count} requests in {self.seconds:.1f}s = {rate:.1f} req/s; "
            f"latency p50 {self.percentile(0.5):.1f} ms, p99 {self.percentile(0.99):.1f} ms, "
            f"mean {mean:.1f} ms; {len(self.posts)} posts and {len(self.follows)} follows "
            f"acknowledged; statuses {dict(sorted(statuses.items()))}"
        )


class Visitor:
    """One simulated person, recording what the site answered."""

    def __init__(self, stack: Stack, result: LoadResult, lock: threading.Lock) -> None:
        self.client = Client(stack.url)
        self.inbox = stack.inbox
        self.client.session.hooks["response"].append(self._record)
        self.result = result
        self.lock = lock
        self.username = "u" + uuid.uuid4().hex[:12]
        self._sent = time.monotonic()

    def _record(self, response: requests.Response, *args, **kwargs) -> None:
        ended = time.monotonic()
        started = ended - response.elapsed.total_seconds()
        body = response.text[:2000] if response.status_code >= 500 else ""
        path = requests.utils.urlparse(response.request.url).path
        exchange = Exchange(
            response.request.method, path, response.status_code, started, ended, body
        )
        with self.lock:
            self.result.exchanges.append(exchange)

    def call(self, action, *args) -> requests.Response | None:
        started = time.monotonic()
        try:
            return action(*args)
        except requests.RequestException as error:
            failure = Exchange("?", str(args[:1]), 0, started, time.monotonic(), repr(error))
            with self.lock:
                self.result.exchanges.append(failure)
            return None

    def sign_up(self) -> bool:
        response = self.call(self.client.register, self.username)
        if response is None or response.status_code != 302:
            return False
        try:
            response = self.call(self.client.confirm, self.inbox, self.username)
        except AssertionError:  # the welcome email did not come: try another visitor
            return False
        if response is None or response.status_code != 302:
            return False
        response = self.call(self.client.login, self.username)
        return response is not None and response.status_code == 302

    def act(self, known: list[str], rng: random.Random) -> None:
        roll = rng.random()
        other = rng.choice(known) if known else self.username
        if roll < 0.35:
            body = f"load {uuid.uuid4().hex} from {self.username}"
            response = self.call(self.client.post, "/index", {"post": body})
            if response is not None and response.status_code == 302:
                with self.lock:
                    self.result.posts.append((self.username, body))
        elif roll < 0.50:
            if other != self.username:
                response = self.call(
                    self.client.post, f"/follow/{other}", {}, None, f"/user/{other}"
                )
                location = response.headers.get("Location", "") if response is not None else ""
                if (
                    response is not None
                    and response.status_code == 302
                    and location.endswith(f"/user/{other}")
                ):
                    with self.lock:
                        self.result.follows.append((self.username, other))
        elif roll < 0.65:
            self.call(self.client.get, "/index")
        elif roll < 0.80:
            self.call(self.client.get, "/explore")
        elif roll < 0.92:
            self.call(self.client.get, f"/user/{other}")
        elif roll < 0.96:
            self.call(self.client.get, "/static/microblog.css")
        else:
            # A reset request comes from someone logged out: a separate visitor.
            anonymous = Client(self.client.base_url)
            anonymous.session.hooks["response"].append(self._record)
            self.call(
                anonymous.post, "/auth/reset_password_request", {"email": f"{other}@example.com"}
            )
            anonymous.close()


def run_load(
    stack: Stack,
    seconds: float,
    threads: int = 6,
    actions_per_visitor: int = 25,
    seed: int = 1,
    posts: int = 0,
    follows: int = 0,
) -> LoadResult:
    """Drive `threads` concurrent visitors through nginx for `seconds`, and on until at least
    `posts` posts and `follows` follows were acknowledged (up to ten times as long): a slow
    machine runs longer rather than writing less."""
    result = LoadResult()
    lock = threading.Lock()
    known: list[str] = []
    stop_at = time.monotonic() + seconds
    give_up_at = time.monotonic() + 10 * seconds

    def done() -> bool:
        now = time.monotonic()
        if now < stop_at:
            return False
        with lock:
            enough = len(result.posts) >= posts and len(result.follows) >= follows
        return enough or now >= give_up_at

    def worker(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        while not done():
            visitor = Visitor(stack, result, lock)
            try:
                if not visitor.sign_up():
                    time.sleep(0.2)
                    continue
                with lock:
                    known.append(visitor.username)
                for _ in range(actions_per_visitor):
                    if done():
                        break
                    with lock:
                        sample = known[-50:]
                    visitor.act(sample, rng)
            finally:
                visitor.client.close()

    result.started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=10 * seconds + 60)
    result.ended = time.monotonic()
    return result


def missing_writes(stack: Stack, result: LoadResult) -> tuple[list, list]:
    """Acknowledged posts and follows that are not in the database."""
    stored_posts = set(
        stack.query('SELECT u.username, p.body FROM post p JOIN "user" u ON u.id = p.user_id')
    )
    stored_follows = set(
        stack.query(
            'SELECT a.username, b.username FROM followers f JOIN "user" a ON a.id = f.follower_id '
            'JOIN "user" b ON b.id = f.followed_id'
        )
    )
    lost_posts = [post for post in result.posts if post not in stored_posts]
    lost_follows = [follow for follow in result.follows if follow not in stored_follows]
    return lost_posts, lost_follows
