"""What a post's text becomes: a safe subset of Markdown (markdown-it-py) rendered to HTML that
nh3 sanitises, with its web addresses, @mentions and #tags made links.

Emphasis, links, inline code and code blocks, lists and quotes; no raw HTML, images,
headings or tables. Addresses, mentions and tags are found in the text alone: never inside
code, nor inside a link's text, and a `#` inside an address is part of the address.
"""

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache

import nh3
from flask import current_app, has_app_context
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from app.models.username import normalize_username

# A URL with its scheme, or a bare `www.` host as people type them (`www.example.com/page`).
# Other bare names are left as text: `file.py` or `e.g.` are not addresses.
URL_PATTERN = re.compile(
    r"https?://[^\s<>\"']+|(?<![\w.@/-])www\.[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#][^\s<>\"']*)?",
    re.IGNORECASE,
)
TRAILING_PUNCTUATION = ".,;:!?)]}'\"，。！？）"
# @name as usernames are written (app/auth/forms.py), ending on a word character so that
# "@alice." ends a sentence; not inside an address (bob@example.com) or a path. @name@host is
# someone of another server: a host of dotted labels or with a port (a bare "@a@b" is not).
MENTION = (
    r"(?<![\w@/.-])@(?P<mention>[\w.-]*\w)"
    r"(?:@(?P<host>[a-z0-9-]+(?:(?:\.[a-z0-9-]+)+(?::\d{1,5})?|:\d{1,5})))?"
)
# #tag of Unicode word characters with at least one letter (#学习, not #1), not in "C#" or "&#39;".
TAG = r"(?<![\w&#/])#(?P<tag>\w*[^\W\d_]\w*)"
SCANNED = re.compile(f"(?P<url>{URL_PATTERN.pattern})|{MENTION}|{TAG}", re.IGNORECASE)
TAG_MAX = 64
LINK_REL = "nofollow noopener ugc"
ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "ul", "ol", "li", "blockquote"}


def as_written(text: str | None) -> str | None:
    """The text with each line break one character, as its writer's counter counts it (and
    the limit does): browsers send a text box's line breaks as two, \r\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


def tag_name(written: str) -> str:
    """A tag as stored and matched: #Flask, #flask and #ＦＬＡＳＫ are one tag."""
    return unicodedata.normalize("NFKC", written).casefold()


def scan_text(children: list[Token]) -> list[Token]:
    """The inline tokens with each address, @mention and #tag of their plain text (outside
    links) made a token of its own."""
    result: list[Token] = []
    depth = 0
    for token in children:
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
        if token.type != "text" or depth:
            result.append(token)
            continue
        text, position = token.content, 0
        for match in SCANNED.finditer(text):
            end = match.end()
            if match.group("url"):
                url = match.group("url").rstrip(TRAILING_PUNCTUATION)
                end = match.start() + len(url)
                found = [Token("link_open", "a", 1), plain(url), Token("link_close", "a", -1)]
                found[0].attrs["href"] = url if "://" in url else f"https://{url}"
            elif match.group("mention"):
                found = [special("mention", match.group(0), mention_name(match))]
            elif len(match.group("tag")) <= TAG_MAX:
                found = [special("hashtag", match.group(0), tag_name(match.group("tag")))]
            else:
                continue
            result.append(plain(text[position : match.start()]))
            result.extend(found)
            position = end
        result.append(plain(text[position:]))
    return result


def mention_name(match: re.Match) -> str:
    """The username a mention names: `name`, or `name@host` (lower case) for an account of
    another server; this site's own host names its local user."""
    name, host = normalize_username(match["mention"]), (match["host"] or "").lower()
    if not host or host == own_host():
        return name
    return f"{name}@{host}"


def own_host() -> str | None:
    """The site's host[:port] (SERVER_NAME), which handles of its own users end with."""
    server_name = current_app.config.get("SERVER_NAME") if has_app_context() else None
    return server_name.lower() if server_name else None


def plain(text: str) -> Token:
    token = Token("text", "", 0)
    token.content = text
    return token


def special(kind: str, written: str, name: str) -> Token:
    token = Token(kind, "", 0)
    token.content, token.meta = written, {"name": name}
    return token


def scan_rule(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = scan_text(token.children)


@cache
def markdown() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "breaks": True})
    md.enable(["emphasis", "link", "backticks", "autolink", "escape", "newline"])
    md.enable(["code", "fence", "list", "blockquote", "paragraph"])
    md.core.ruler.push("microblog_scan", scan_rule)
    md.add_render_rule("mention", render_mention)
    md.add_render_rule("hashtag", render_hashtag)
    return md


def render_mention(self, tokens, index, options, env) -> str:
    token = tokens[index]
    name = token.meta["name"]
    if name not in env["users"]:
        return self.renderInline([plain(token.content)], options, env)
    href = env["user_url"](name)
    return f'<a class="mention" href="{escape_attribute(href)}">{escape_text(token.content)}</a>'


def render_hashtag(self, tokens, index, options, env) -> str:
    token = tokens[index]
    href = env["tag_url"](token.meta["name"])
    return f'<a class="hashtag" href="{escape_attribute(href)}">{escape_text(token.content)}</a>'


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


@dataclass
class PostText:
    """A post's text, parsed once: what it mentions and tags, and its HTML."""

    tokens: list[Token]

    @classmethod
    def parse(cls, text: str) -> "PostText":
        return cls(markdown().parse(text, {}))

    def _special(self, kind: str) -> list[str]:
        names = [
            child.meta["name"]
            for token in self.tokens
            if token.type == "inline"
            for child in token.children or ()
            if child.type == kind
        ]
        return list(dict.fromkeys(names))

    def mentions(self) -> list[str]:
        """The normalised usernames it mentions, each once, in order."""
        return self._special("mention")

    def tags(self) -> list[str]:
        """The tags it holds (tag_name), each once, in order."""
        return self._special("hashtag")

    def html(
        self,
        users: Collection[str],
        user_url: Callable[[str], str],
        tag_url: Callable[[str], str],
    ) -> str:
        """Sanitised HTML; a mention is a link only when its name is among `users`."""
        env = {"users": users, "user_url": user_url, "tag_url": tag_url}
        html = markdown().renderer.render(self.tokens, markdown().options, env)
        return sanitize(html)


def sanitize(html: str) -> str:
    """Only the subset's elements, links to the web or mail, and rel on every link."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}, "ol": {"start"}, "*": set()},
        allowed_classes={"a": {"mention", "hashtag"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    ).strip()
