"""Clients for the translation services, behind one small interface."""

from collections.abc import Mapping
from typing import Any, Protocol

import requests

PROVIDERS = ("microsoft", "deepl")


class TranslationError(Exception):
    """The service could not give a translation; the message is safe to log, not to show."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class Translator(Protocol):
    def translate(self, text: str, source_language: str, dest_language: str) -> str: ...


def split_tag(tag: str) -> tuple[str, str]:
    """("zh", "cn") for "zh_CN", "zh-cn" or "zh-CN"; the rest is "" when there is none."""
    primary, _, rest = tag.replace("_", "-").lower().partition("-")
    return primary, rest


def chinese_script(rest: str) -> str:
    """Hant for the regions and script tag of Traditional Chinese, else Hans."""
    traditional = {"tw", "hk", "mo", "hant"}
    return "Hant" if traditional & set(rest.split("-")) else "Hans"


def post_json(url: str, timeout: float, **kwargs: Any) -> Any:
    """POST, then the decoded JSON answer; every failure becomes a TranslationError."""
    try:
        response = requests.post(url, timeout=timeout, **kwargs)
    except requests.Timeout as error:
        raise TranslationError(f"no answer within {timeout} s", timed_out=True) from error
    except requests.RequestException as error:
        raise TranslationError(f"request failed: {error}") from error
    if response.status_code >= 400:
        raise TranslationError(f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError as error:
        raise TranslationError(f"answer is not JSON: {response.text[:200]!r}") from error


def first_text(translations: Any) -> str:
    """The text of the first translation in a service's answer, checked for shape."""
    try:
        text = translations[0]["text"]
    except (LookupError, TypeError) as error:
        raise TranslationError(f"unexpected answer: {translations!r:.200}") from error
    if not isinstance(text, str):
        raise TranslationError(f"unexpected answer: {translations!r:.200}")
    return text


class MicrosoftTranslator:
    """Microsoft Translator, Text API v3."""

    def __init__(self, key: str, region: str | None, url: str, timeout: float) -> None:
        self.key, self.region, self.url, self.timeout = key, region, url.rstrip("/"), timeout

    @staticmethod
    def language(tag: str) -> str:
        primary, rest = split_tag(tag)
        return f"zh-{chinese_script(rest)}" if primary == "zh" else primary

    def translate(self, text: str, source_language: str, dest_language: str) -> str:
        headers = {"Ocp-Apim-Subscription-Key": self.key}
        if self.region:
            headers["Ocp-Apim-Subscription-Region"] = self.region
        params = {
            "api-version": "3.0",
            "from": self.language(source_language),
            "to": self.language(dest_language),
        }
        answer = post_json(
            f"{self.url}/translate",
            self.timeout,
            params=params,
            headers=headers,
            json=[{"Text": text}],
        )
        try:
            translations = answer[0]["translations"]
        except (LookupError, TypeError) as error:
            raise TranslationError(f"unexpected answer: {answer!r:.200}") from error
        return first_text(translations)


class DeepLTranslator:
    """DeepL API v2 (Free or Pro, by URL)."""

    def __init__(self, key: str, url: str, timeout: float) -> None:
        self.key, self.url, self.timeout = key, url.rstrip("/"), timeout

    @staticmethod
    def source_language(tag: str) -> str:
        # Source languages are plain ones: DeepL ignores a variant given as a source hint.
        return split_tag(tag)[0].upper()

    @staticmethod
    def target_language(tag: str) -> str:
        # Bare EN and PT are deprecated as targets, and ZH alone means Simplified.
        primary, rest = split_tag(tag)
        if primary == "en":
            return "EN-GB" if rest.startswith("gb") else "EN-US"
        if primary == "pt":
            return "PT-PT" if rest.startswith("pt") else "PT-BR"
        if primary == "zh":
            return f"ZH-{chinese_script(rest).upper()}"
        return primary.upper()

    def translate(self, text: str, source_language: str, dest_language: str) -> str:
        answer = post_json(
            f"{self.url}/v2/translate",
            self.timeout,
            headers={"Authorization": f"DeepL-Auth-Key {self.key}"},
            json={
                "text": [text],
                "source_lang": self.source_language(source_language),
                "target_lang": self.target_language(dest_language),
            },
        )
        if not isinstance(answer, dict):
            raise TranslationError(f"unexpected answer: {answer!r:.200}")
        return first_text(answer.get("translations"))


def check_settings(config: Mapping[str, Any]) -> None:
    """Refuse to start with an unknown TRANSLATOR or one that has no key."""
    provider = config.get("TRANSLATOR") or ""
    if not provider:
        return
    if provider not in PROVIDERS:
        raise ValueError(f"TRANSLATOR must be empty, 'microsoft' or 'deepl', not {provider!r}")
    key_setting = "MS_TRANSLATOR_KEY" if provider == "microsoft" else "DEEPL_API_KEY"
    if not config.get(key_setting):
        raise ValueError(f"TRANSLATOR={provider} needs {key_setting}")


def make_translator(config: Mapping[str, Any]) -> Translator | None:
    """The translator the settings choose, or None when translation is off."""
    provider = config.get("TRANSLATOR") or ""
    timeout = float(config["TRANSLATOR_TIMEOUT"])
    if provider == "microsoft":
        return MicrosoftTranslator(
            config["MS_TRANSLATOR_KEY"],
            config.get("MS_TRANSLATOR_REGION"),
            config["MS_TRANSLATOR_URL"],
            timeout,
        )
    if provider == "deepl":
        return DeepLTranslator(config["DEEPL_API_KEY"], config["DEEPL_API_URL"], timeout)
    return None
