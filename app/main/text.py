"""Post text as the pages show it: safe, clickable links."""

import re

from markupsafe import Markup, escape

# A URL with its scheme, or a bare `www.` host as people type them (`www.example.com/page`).
# Other bare names are left as text: `file.py` or `e.g.` are not addresses.
URL_PATTERN = re.compile(
    r"https?://[^\s<>\"']+|(?<![\w.@/-])www\.[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#][^\s<>\"']*)?",
    re.IGNORECASE,
)
LINK = Markup('<a href="{0}" rel="nofollow noopener noreferrer" target="_blank">{1}</a>')
TRAILING_PUNCTUATION = ".,;:!?)]}'\"，。！？）"


def linkify(text: str) -> Markup:
    """Escape the text and turn its http(s) URLs and www. hosts into links that pass on no
    ranking or opener."""
    parts: list[Markup] = []
    position = 0
    for match in URL_PATTERN.finditer(text):
        url = match.group(0).rstrip(TRAILING_PUNCTUATION)
        parts.append(escape(text[position : match.start()]))
        href = url if "://" in url else f"https://{url}"
        parts.append(LINK.format(href, url))
        position = match.start() + len(url)
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
