"""Posts in Markdown on the pages: the preview before posting, the limit counting the text as
written, and the posts from before Markdown shown as they always were."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.main.text import post_body
from app.models import Post, User


def test_preview_shows_the_post_above_the_form_and_keeps_the_text(app, client, auth, make_user):
    make_user()
    auth.login()
    text = "**bold** and `code` #tag"
    response = client.post("/index", data={"post": text, "preview": "Preview"})
    assert response.status_code == 200
    preview = re.search(r'<section class="post-preview.*?</section>', response.text, re.S)
    assert preview and "<strong>bold</strong>" in preview.group(0)
    assert '<a class="hashtag" href="/tag/tag"' in preview.group(0)
    assert "**bold** and `code` #tag</textarea>" in response.text
    with app.app_context():
        assert db.session.scalars(select(Post)).all() == []


def test_a_too_long_text_gets_no_preview_but_its_error(client, auth, make_user):
    make_user()
    auth.login()
    response = client.post("/index", data={"post": "x" * 281, "preview": "Preview"})
    assert "post-preview" not in response.text
    assert "at most 280 characters" in response.text


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        # 280 characters as written, though the Markdown makes more HTML (or less text).
        ("[a](https://example.com/" + "x" * 248 + ")", True),
        ("**" + "b" * 276 + "**", True),
        ("**" + "b" * 277 + "**", False),
    ],
)
def test_the_limit_counts_the_text_as_written(app, client, auth, make_user, text, allowed):
    make_user()
    auth.login()
    client.post("/index", data={"post": text})
    with app.app_context():
        assert len(db.session.scalars(select(Post)).all()) == (1 if allowed else 0)
    assert (len(text) <= 280) == allowed


def test_a_post_from_before_markdown_renders_as_before(app, client, auth, make_user):
    make_user()
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        db.session.add(Post(body="*not emphasis* <b> see www.example.com", author=susan))
        db.session.commit()
    auth.login()
    page = client.get("/index").text
    assert (
        '<p class="post-body mb-0">*not emphasis* &lt;b&gt; see <a href="https://www.example.com"'
        ' rel="nofollow noopener noreferrer" target="_blank">www.example.com</a></p>'
    ) in page


@pytest.mark.parametrize(
    ("body_html", "expected"),
    [
        (None, '<p class="post-body mb-0" lang="en">a *b*</p>'),
        ("<p>a <em>b</em></p>", '<p class="post-body md mb-0" lang="en">a <em>b</em></p>'),
        (
            "<p>a</p>\n<ul>\n<li>b</li>\n</ul>",
            '<div class="post-body md" lang="en"><p>a</p>\n<ul>\n<li>b</li>\n</ul></div>',
        ),
    ],
)
def test_post_body_element(body_html, expected):
    assert post_body("a *b*", body_html, "en") == expected


def test_a_markdown_post_on_the_page(client, auth, make_user):
    make_user()
    auth.login()
    page = client.post("/index", data={"post": "- one\n- two"}, follow_redirects=True).text
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul></div>" in page
    assert '<div class="post-body md"' in page
