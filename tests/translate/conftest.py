"""Fake Microsoft Translator and DeepL services on 127.0.0.1, and apps that use them."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import db
from app.models import Post, User

MS_KEY = "ms-test-key"
MS_REGION = "westeurope"
DEEPL_KEY = "deepl-test-key:fx"

# What the fakes "know"; anything else comes back tagged with the target language.
KNOWN = {
    ("Hola mundo", "es", "en"): "Hello world",
    ("Good morning", "en", "zh-Hans"): "早上好",
    ("Good morning", "EN", "ZH-HANS"): "早上好",
    ("Hola mundo", "ES", "EN-US"): "Hello world",
}


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def microsoft_answer(request: Received) -> tuple[int, object]:
    """Microsoft Translator v3's /translate, with its checks on version, key and region."""
    if request.path != "/translate":
        return 404, {"error": {"code": 404001, "message": "The requested resource was not found."}}
    if request.query.get("api-version") != ["3.0"]:
        return 400, {"error": {"code": 400021, "message": "The API version is invalid."}}
    if request.headers.get("ocp-apim-subscription-key") != MS_KEY:
        return 401, {"error": {"code": 401000, "message": "The request is not authorized."}}
    if request.headers.get("ocp-apim-subscription-region") != MS_REGION:
        return 401, {"error": {"code": 401015, "message": "The region is not valid."}}
    source, target = request.query["from"][0], request.query["to"][0]
    texts = [item["Text"] for item in request.json()]
    return 200, [
        {
            "translations": [
                {"text": KNOWN.get((text, source, target), f"[{target}] {text}"), "to": target}
            ]
        }
        for text in texts
    ]


def deepl_answer(request: Received) -> tuple[int, object]:
    """DeepL's /v2/translate, with its check on the authorization header."""
    if request.path != "/v2/translate":
        return 404, {"message": "Not found"}
    if request.headers.get("authorization") != f"DeepL-Auth-Key {DEEPL_KEY}":
        return 403, {"message": "Authorization failure, check auth_key"}
    payload = request.json()
    source, target = payload.get("source_lang"), payload["target_lang"]
    return 200, {
        "translations": [
            {
                "detected_source_language": source or "EN",
                "text": KNOWN.get((text, source, target), f"[{target}] {text}"),
            }
            for text in payload["text"]
        ]
    }


class FakeService:
    """A threaded HTTP server that records each request and answers like the real service,
    unless a test has told it to be slow or broken."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.received: list[Received] = []
        self.forced: tuple[int, bytes] | None = None
        self.delay = 0.0
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def force(self, status: int, body: bytes) -> None:
        self.forced = (status, body)

    def handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = Received(
                    parts.path,
                    parse_qs(parts.query),
                    {name.lower(): value for name, value in self.headers.items()},
                    body,
                )
                service.received.append(request)
                if service.delay:
                    # Released at teardown, so no handler thread outlives the test.
                    service.release.wait(service.delay)
                if service.forced:
                    status, payload = service.forced
                else:
                    status, answer = service.answer(request)
                    payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting (the timeout tests)

            def log_message(self, format, *args):
                pass

        return Handler

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def microsoft_service():
    with FakeService(microsoft_answer) as service:
        yield service


@pytest.fixture
def deepl_service():
    with FakeService(deepl_answer) as service:
        yield service


def microsoft_settings(service: FakeService) -> dict:
    return {
        "TRANSLATOR": "microsoft",
        "MS_TRANSLATOR_KEY": MS_KEY,
        "MS_TRANSLATOR_REGION": MS_REGION,
        "MS_TRANSLATOR_URL": service.url,
    }


def deepl_settings(service: FakeService) -> dict:
    return {"TRANSLATOR": "deepl", "DEEPL_API_KEY": DEEPL_KEY, "DEEPL_API_URL": service.url}


@pytest.fixture(params=["microsoft", "deepl"])
def provider(request):
    """(name, fake service, settings) for each provider in turn."""
    service = request.getfixturevalue(f"{request.param}_service")
    settings = microsoft_settings if request.param == "microsoft" else deepl_settings
    return request.param, service, settings(service)


@pytest.fixture
def translator_settings():
    """Settings for the app under test; modules and tests override it."""
    return {}


@pytest.fixture
def app(make_app, translator_settings):
    return make_app(**translator_settings)


def add_post(app, body="Hola mundo", language="es", username="pablo"):
    """A post by a new author, in the given language."""
    with app.app_context():
        author = User(username=username, email=f"{username}@example.com")
        author.set_password("irrelevant")
        db.session.add(Post(body=body, language=language, author=author))
        db.session.commit()
