"""POST /translate against fake Microsoft Translator and DeepL services."""

import re
import time

import pytest

from app import create_app
from tests.conftest import PASSWORD, TEST_CONFIG, add_user
from tests.translate.conftest import DEEPL_KEY, MS_KEY, MS_REGION, deepl_settings


@pytest.fixture
def translator_settings(provider):
    return provider[2]


@pytest.fixture
def service(provider):
    return provider[1]


@pytest.fixture
def logged_in(client, make_user, auth):
    make_user()
    auth.login()
    return client


def translate(client, text="Hola mundo", source="es", dest="en", **kwargs):
    body = {"text": text, "source_language": source, "dest_language": dest}
    return client.post("/translate", json=body, **kwargs)


def test_translates_through_the_service(logged_in, provider):
    name, service, _ = provider
    response = translate(logged_in)
    assert response.status_code == 200
    assert response.json == {"text": "Hello world"}

    [request] = service.received
    if name == "microsoft":
        assert request.path == "/translate"
        assert request.query == {"api-version": ["3.0"], "from": ["es"], "to": ["en"]}
        assert request.headers["ocp-apim-subscription-key"] == MS_KEY
        assert request.headers["ocp-apim-subscription-region"] == MS_REGION
        assert request.headers["content-type"] == "application/json"
        assert request.json() == [{"Text": "Hola mundo"}]
    else:
        assert request.path == "/v2/translate"
        assert request.headers["authorization"] == f"DeepL-Auth-Key {DEEPL_KEY}"
        assert request.json() == {
            "text": ["Hola mundo"],
            "source_lang": "ES",
            "target_lang": "EN-US",
        }


def test_reader_in_simplified_chinese_gets_simplified_characters(logged_in, provider):
    name, service, _ = provider
    response = translate(logged_in, text="Good morning", source="en", dest="zh-CN")
    assert response.json == {"text": "早上好"}
    [request] = service.received
    if name == "microsoft":
        assert request.query["from"] == ["en"] and request.query["to"] == ["zh-Hans"]
    else:
        assert request.json()["source_lang"] == "EN"
        assert request.json()["target_lang"] == "ZH-HANS"


@pytest.mark.timing
def test_slow_service_gives_a_timeout_error_not_a_hang(app, logged_in, service):
    app.config["TRANSLATOR_TIMEOUT"] = 0.3
    service.delay = 5
    started = time.monotonic()
    response = translate(logged_in)
    assert time.monotonic() - started < 2
    assert response.status_code == 502
    assert response.json == {"error": "The translation service did not answer in time."}


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b"Internal Server Error"),
        (503, b'{"message": "Service unavailable"}'),
        (200, b"<html>not json</html>"),
        (200, b"{}"),
        (200, b"[]"),
        (200, b"null"),
        (200, b'{"translations": []}'),
        (200, b'[{"translations": [{"text": 42}]}]'),
        (200, b'{"translations": [{"text": null}]}'),
        (429, b'{"message": "Too many requests"}'),
    ],
)
def test_service_failure_gives_a_json_502(logged_in, service, status, body):
    service.force(status, body)
    response = translate(logged_in)
    assert response.status_code == 502
    assert response.json == {"error": "The translation service failed. Please try again later."}
    assert len(service.received) == 1


def test_wrong_key_gives_a_json_502(app, logged_in, provider):
    name, service, _ = provider
    app.config["MS_TRANSLATOR_KEY" if name == "microsoft" else "DEEPL_API_KEY"] = "wrong"
    response = translate(logged_in)
    assert response.status_code == 502
    assert "error" in response.json


def test_unreachable_service_gives_a_json_502(app, logged_in, free_port):
    app.config["MS_TRANSLATOR_URL"] = app.config["DEEPL_API_URL"] = f"http://127.0.0.1:{free_port}"
    response = translate(logged_in)
    assert response.status_code == 502
    assert "error" in response.json


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (None, "Send a JSON object"),
        (["Hola"], "Send a JSON object"),
        ({"source_language": "es", "dest_language": "en"}, "no text"),
        ({"text": "   ", "source_language": "es", "dest_language": "en"}, "no text"),
        ({"text": 5, "source_language": "es", "dest_language": "en"}, "no text"),
        ({"text": "x" * 281, "source_language": "es", "dest_language": "en"}, "280"),
        ({"text": "Hola", "dest_language": "en"}, "language"),
        ({"text": "Hola", "source_language": "es", "dest_language": 7}, "language"),
        ({"text": "Hola", "source_language": "e", "dest_language": "en"}, "language"),
        ({"text": "Hola", "source_language": "es&to=fr", "dest_language": "en"}, "language"),
        ({"text": "Hola", "source_language": "es", "dest_language": "en-" + "x" * 20}, "language"),
    ],
)
def test_bad_input_gives_a_json_400(logged_in, service, body, error):
    response = logged_in.post("/translate", json=body)
    assert response.status_code == 400
    assert error in response.json["error"]
    assert service.received == []


def test_text_of_280_characters_is_accepted(logged_in, service):
    assert translate(logged_in, text="é" * 280).status_code == 200


def test_body_that_is_not_json_gives_a_json_400(logged_in, service):
    response = logged_in.post("/translate", data="text=Hola", content_type="text/plain")
    assert response.status_code == 400
    assert "JSON" in response.json["error"]


def test_login_required(client, service):
    response = translate(client)
    assert response.status_code == 401
    assert response.json == {"error": "Please log in to access this page."}
    assert service.received == []


def test_without_a_translator_the_route_says_so(make_app):
    app = make_app()
    client = app.test_client()
    add_user(app)
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    response = translate(client)
    assert response.status_code == 404
    assert response.json == {"error": "Translation is not enabled on this site."}


def test_csrf_token_from_the_page_header_is_accepted(make_app, deepl_service, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True, **deepl_settings(deepl_service))
    client = app.test_client()
    add_user(app)
    token = csrf_token(client.get("/auth/login"))
    client.post(
        "/auth/login",
        data={"username": "susan", "password": PASSWORD, "csrf_token": token},
    )
    page = client.get("/explore")
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
    assert meta, "a logged-in page carries the token for scripts"

    missing = translate(client)
    assert missing.status_code == 400
    assert "CSRF" in missing.json["error"]
    wrong = translate(client, headers={"X-CSRFToken": "not-the-token"})
    assert wrong.status_code == 400
    assert "CSRF" in wrong.json["error"]
    assert deepl_service.received == []

    response = translate(client, headers={"X-CSRFToken": meta.group(1)})
    assert response.status_code == 200
    assert response.json == {"text": "Hello world"}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"TRANSLATOR": "google"}, "TRANSLATOR must be"),
        ({"TRANSLATOR": "microsoft"}, "needs MS_TRANSLATOR_KEY"),
        ({"TRANSLATOR": "deepl"}, "needs DEEPL_API_KEY"),
    ],
)
def test_app_refuses_to_start_with_unusable_translator_settings(settings, message):
    with pytest.raises(ValueError, match=message):
        create_app({**TEST_CONFIG, **settings})


def test_translations_are_rate_limited_per_reader(make_app, deepl_service):
    app = make_app(
        RATELIMIT_ENABLED=True, TRANSLATE_RATE_LIMIT="2 per minute", **deepl_settings(deepl_service)
    )
    add_user(app)
    add_user(app, "john")
    susan, john = app.test_client(), app.test_client()
    for client, name in ((susan, "susan"), (john, "john")):
        client.post("/auth/login", data={"username": name, "password": PASSWORD})
    assert [translate(susan).status_code for _ in range(3)] == [200, 200, 429]
    assert translate(susan).is_json
    # Another reader on the same address has a budget of their own.
    assert translate(john).status_code == 200
