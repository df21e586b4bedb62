"""A post's text (app/models/post_text.py): the Markdown subset, what the sanitiser lets
through, and which @mentions and #tags it holds."""

from html.parser import HTMLParser

import pytest

from app.models.post_text import PostText, tag_name

KNOWN = {"alice", "小红"}


def html(text: str, users=KNOWN) -> str:
    return PostText.parse(text).html(users, lambda n: f"/user/{n}", lambda n: f"/tag/{n}")


REL = 'rel="nofollow noopener ugc"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "<p>plain</p>"),
        (
            "*em* and **strong** and _em_",
            "<p><em>em</em> and <strong>strong</strong> and <em>em</em></p>",
        ),
        ("`a < b`", "<p><code>a &lt; b</code></p>"),
        ("```\nx = 1 < 2\n```", "<pre><code>x = 1 &lt; 2\n</code></pre>"),
        ("    indented code", "<pre><code>indented code\n</code></pre>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
        ("[site](https://example.com)", f'<p><a href="https://example.com" {REL}>site</a></p>'),
        (
            "see https://example.com.",
            f'<p>see <a href="https://example.com" {REL}>https://example.com</a>.</p>',
        ),
        ("www.example.com", f'<p><a href="https://www.example.com" {REL}>www.example.com</a></p>'),
        # Outside the subset: left as the text that was written.
        ("# not a heading", "<p># not a heading</p>"),
        (
            "![alt](https://example.com/a.png)",
            f'<p>!<a href="https://example.com/a.png" {REL}>alt</a></p>',
        ),
        ("a | b\n--|--\n1 | 2", "<p>a | b<br>\n--|--<br>\n1 | 2</p>"),
    ],
)
def test_the_markdown_subset(text, expected):
    assert html(text) == expected


class Elements(HTMLParser):
    """Every element of some HTML with its attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


SUBSET = {"p", "br", "em", "strong", "a", "code", "pre", "ul", "ol", "li", "blockquote"}


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="https://x" onclick="alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\nscript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        '[x](https://e.com "t\\" onmouseover=\\"alert(1))',
        '[x](https://e.com "title")',
        "<style>*{display:none}</style>",
        "<iframe src=https://evil></iframe>",
        "*<b>bold</b>*",
        "<!-- comment --> <p style=color:red>x</p>",
        'https://example.com/"onmouseover="alert(1)',
        '@alice"onmouseover="alert(1) #x"onclick="y',
    ],
)
def test_no_raw_html_attributes_or_script_links(text):
    for tag, attributes in Elements(html(text)).found:
        assert tag in SUBSET, tag
        assert set(attributes) <= {"href", "rel", "class"}, attributes
        href = attributes.get("href", "")
        assert href.startswith(("https://", "http://", "/user/", "/tag/")) or not href, href


def test_every_link_gets_rel_and_nothing_else():
    rendered = html("[a](https://a.example) https://b.example @alice #tag")
    assert rendered.count("<a ") == rendered.count(REL) == 4
    assert "target=" not in rendered and "title=" not in rendered


@pytest.mark.parametrize(
    ("text", "mentions", "tags"),
    [
        ("hi @alice and @Bob", ["alice", "bob"], []),
        ("@alice @alice @ALICE", ["alice"], []),
        ("@alice. at the end", ["alice"], []),
        ("@a.b-c_d!", ["a.b-c_d"], []),
        ("@小红 你好 #学习 #Flask", ["小红"], ["学习", "flask"]),
        ("mail bob@example.com", [], []),
        # Someone on another server, as the reply box fills in their handle: not our bob.
        (
            "@bob@remote.example and @bob@127.0.0.1:5000, @alice",
            ["bob@remote.example", "bob@127.0.0.1:5000", "alice"],
            [],
        ),
        ("`@alice #code` and\n\n```\n@alice #fenced\n```", [], []),
        ("    @alice #indented", [], []),
        ("https://example.com/page#section and https://x.org/@alice", [], []),
        ("www.example.com/#frag", [], []),
        ("[@alice #tag](https://example.com)", [], []),
        ("#1 and #2024 are numbers, #v2 is a tag", [], ["v2"]),
        ("C# and &#39; and ##double", [], []),
        ("#ＦＬＡＳＫ #flask #Flask", [], ["flask"]),
        ("#" + "a" * 64 + " #" + "b" * 65, [], ["a" * 64]),
        ("> quoted @alice #tag", ["alice"], ["tag"]),
        ("- @alice in a list #item", ["alice"], ["item"]),
        ("*@alice* **#tag**", ["alice"], ["tag"]),
    ],
)
def test_mentions_and_tags(text, mentions, tags):
    parsed = PostText.parse(text)
    assert parsed.mentions() == mentions
    assert parsed.tags() == tags


def test_a_mention_is_a_link_only_to_a_user_who_exists():
    rendered = html("@alice and @nobody")
    assert f'<a class="mention" href="/user/alice" {REL}>@alice</a>' in rendered
    assert "@nobody" in rendered and "/user/nobody" not in rendered


def test_the_handle_of_someone_elsewhere_is_no_link_to_a_user_here():
    rendered = html("@alice@remote.example hi")
    assert "@alice@remote.example hi" in rendered and "/user/alice" not in rendered


def test_a_tag_links_to_its_page_as_written():
    rendered = html("#Flask #学习")
    assert f'<a class="hashtag" href="/tag/flask" {REL}>#Flask</a>' in rendered
    assert f'<a class="hashtag" href="/tag/学习" {REL}>#学习</a>' in rendered


def test_a_url_with_a_hash_stays_one_link():
    rendered = html("https://example.com/a#b")
    assert rendered == f'<p><a href="https://example.com/a#b" {REL}>https://example.com/a#b</a></p>'


def test_tag_names_are_case_folded():
    assert tag_name("Straße") == tag_name("STRASSE") == "strasse"
