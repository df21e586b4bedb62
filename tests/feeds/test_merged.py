"""The feeds with the rest of issue 19: tags, Markdown, edits and moderation."""

from app.extensions import db
from app.models import Post
from app.models.moderation import HIDDEN


def test_a_tag_has_its_feed_and_its_page_links_to_it(client, auth, make_user, write_posts):
    write_posts("susan", "learning #Flask today", "nothing tagged", "#学习 in Chinese")
    feed = client.get("/tag/flask/feed.json")
    assert feed.status_code == 200
    assert [item["content_text"] for item in feed.json["items"]] == ["learning #Flask today"]
    assert feed.json["home_page_url"] == "http://localhost/tag/flask"
    assert client.get("/tag/%E5%AD%A6%E4%B9%A0/feed.atom").status_code == 200
    assert client.get("/tag/nosuchtag/feed.atom").status_code == 404
    make_user("john")
    auth.login("john")
    page = client.get("/tag/flask").text
    assert 'type="application/atom+xml"' in page and 'href="/tag/flask/feed.atom"' in page


def test_feeds_leave_out_what_lists_hide(app, client, write_posts):
    write_posts("susan", "shown #news", "hidden by a moderator #news")
    with app.app_context():
        post = db.session.scalar(Post.newest_first().where(Post.body.startswith("hidden")))
        post.hidden = HIDDEN
        db.session.commit()
    for path in ("/explore/feed.json", "/user/susan/feed.json", "/tag/news/feed.json"):
        items = client.get(path).json["items"]
        assert [item["content_text"] for item in items] == ["shown #news"], path


def test_an_entry_has_the_posts_markdown_and_its_edit_time(app, client, write_posts):
    write_posts("susan", "**bold** and `code`")
    with app.app_context():
        post = db.session.scalar(Post.newest_first())
        post.edit("**bolder** and `code`")
        db.session.commit()
        edited = post.edited_at
    item = client.get("/user/susan/feed.json").json["items"][0]
    assert "<strong>bolder</strong>" in item["content_html"]
    assert "<code>code</code>" in item["content_html"]
    assert item["date_modified"].startswith(edited.strftime("%Y-%m-%dT%H:%M"))
    assert item["url"].endswith(f"/post/{item['id'].rsplit('/', 1)[-1]}")
