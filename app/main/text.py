"""Post text as the pages show it: safe, clickable links."""

import re

from markupsafe import Markup, escape

URL_PATTERN = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
LINK = Markup('<a href="{0}" rel="nofollow noopener noreferrer" target="_blank">{0}</a>')
TRAILING_PUNCTUATION = ".,;:!?)]}'\"，。！？）"


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
