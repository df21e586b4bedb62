"""The translator clients on their own: language codes each service expects, and errors."""

import pytest

from app.translate.clients import DeepLTranslator, MicrosoftTranslator, TranslationError
from tests.translate.conftest import DEEPL_KEY, MS_KEY, MS_REGION


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("es", "es"),
        ("zh", "zh-Hans"),
        ("zh-cn", "zh-Hans"),
        ("zh_CN", "zh-Hans"),
        ("zh-Hans-CN", "zh-Hans"),
        ("zh-tw", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
    ],
)
def test_microsoft_language_codes(tag, code):
    assert MicrosoftTranslator.language(tag) == code


@pytest.mark.parametrize(
    ("tag", "source", "target"),
    [
        ("en", "EN", "EN-US"),
        ("en-GB", "EN", "EN-GB"),
        ("pt", "PT", "PT-BR"),
        ("pt-PT", "PT", "PT-PT"),
        ("zh-cn", "ZH", "ZH-HANS"),
        ("zh_CN", "ZH", "ZH-HANS"),
        ("zh-tw", "ZH", "ZH-HANT"),
        ("de", "DE", "DE"),
    ],
)
def test_deepl_language_codes(tag, source, target):
    assert DeepLTranslator.source_language(tag) == source
    assert DeepLTranslator.target_language(tag) == target


def test_microsoft_client(microsoft_service):
    translator = MicrosoftTranslator(MS_KEY, MS_REGION, microsoft_service.url + "/", 5)
    assert translator.translate("Hola mundo", "es", "en") == "Hello world"
    assert microsoft_service.received[0].path == "/translate"


def test_microsoft_client_without_region_sends_no_region_header(microsoft_service):
    translator = MicrosoftTranslator(MS_KEY, None, microsoft_service.url, 5)
    with pytest.raises(TranslationError, match="401"):
        translator.translate("Hola mundo", "es", "en")
    assert "ocp-apim-subscription-region" not in microsoft_service.received[0].headers


def test_deepl_client(deepl_service):
    translator = DeepLTranslator(DEEPL_KEY, deepl_service.url, 5)
    assert translator.translate("Bonjour", "fr", "de") == "[DE] Bonjour"


def test_timeout_is_marked(deepl_service):
    deepl_service.delay = 5
    translator = DeepLTranslator(DEEPL_KEY, deepl_service.url, 0.2)
    with pytest.raises(TranslationError) as raised:
        translator.translate("Bonjour", "fr", "de")
    assert raised.value.timed_out
