"""Post text as pages show it (app/main/text.py), identicons (app/main/avatars.py) and the
language a post is tagged with (app/models/post.py)."""

import pytest

from app.main.avatars import identicon_svg
from app.main.text import linkify
from app.models.language import detect_language


@pytest.mark.parametrize(
    ("text", "href", "shown"),
    [
        ("see www.example.com today", "https://www.example.com", "www.example.com"),
        (
            "(www.example.org/page?x=1).",
            "https://www.example.org/page?x=1",
            "www.example.org/page?x=1",
        ),
        ("WWW.Example.COM", "https://WWW.Example.COM", "WWW.Example.COM"),
        ("http://www.example.com/a", "http://www.example.com/a", "http://www.example.com/a"),
    ],
)
def test_bare_www_hosts_are_linked(text, href, shown):
    assert f'<a href="{href}" rel="nofollow noopener noreferrer" target="_blank">{shown}</a>' in (
        linkify(text)
    )


@pytest.mark.parametrize(
    "text", ["e.g. this", "notes.txt and file.py", "pi is 3.14", "me@www.example.com", "www.nodot"]
)
def test_other_dotted_words_stay_text(text):
    assert "<a " not in linkify(text)


def test_identicon_cells_have_no_seams():
    assert 'shape-rendering="crispEdges"' in identicon_svg("0123456789abcdef")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("今天天气很好，我们去公园散步吧。Flask is fun.", "zh-cn"),
        ("Hello world, this is my first post about 你好 and friends", "en"),
        ("Hola a todos, este es mi primer mensaje", "es"),
        ("今日はいい天気ですね", "ja"),
        # Half Chinese, half English: neither is the post's language.
        ("我喜欢 Python and Flask web development framework", None),
        ("", None),
    ],
)
def test_posts_are_tagged_by_the_script_that_dominates(text, language):
    assert detect_language(text) == language
