"""Post text: language detection and safe, clickable links."""

import re

from langdetect import DetectorFactory, LangDetectException, detect
from markupsafe import Markup, escape

# langdetect is random by default; a fixed seed gives the same answer for the same text.
DetectorFactory.seed = 0

URL_PATTERN = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
LINK = Markup('<a href="{0}" rel="nofollow noopener noreferrer" target="_blank">{0}</a>')
TRAILING_PUNCTUATION = ".,;:!?)]}'\"，。！？）"


def detect_language(text: str) -> str | None:
    try:
        language = detect(text)
    except LangDetectException:
        return None
    return language[:5]


def linkify(text: str) -> Markup:
    """Escape the text and turn its http(s) URLs into links that pass on no ranking or opener."""
    parts: list[Markup] = []
    position = 0
    for match in URL_PATTERN.finditer(text):
        url = match.group(0).rstrip(TRAILING_PUNCTUATION)
        parts.append(escape(text[position : match.start()]))
        parts.append(LINK.format(url))
        position = match.start() + len(url)
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
