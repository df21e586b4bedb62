"""Post text as the pages show it: a Markdown post's HTML (rendered when it was written), or a
plain-text post with safe, clickable links."""

from markupsafe import Markup, escape

from app.models.post_text import TRAILING_PUNCTUATION, URL_PATTERN

LINK = Markup('<a href="{0}" rel="nofollow noopener noreferrer" target="_blank">{1}</a>')


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


def post_body(body: str, body_html: str | None, language: str | None) -> Markup:
    """The post's text as an element of class post-body: a plain-text post (body_html None,
    written before Markdown) as it always was; a Markdown post of one paragraph as the same
    <p>, and of several blocks (lists, quotes, code) as a <div>."""
    lang = Markup(' lang="{0}"').format(language) if language else ""
    if body_html is None:
        return Markup('<p class="post-body mb-0"{0}>{1}</p>').format(lang, linkify(body))
    html = Markup(body_html)  # sanitised by nh3 when written (app/models/post_text.py)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return Markup('<p class="post-body md mb-0"{0}>{1}</p>').format(lang, html[3:-4])
    return Markup('<div class="post-body md"{0}>{1}</div>').format(lang, html)
