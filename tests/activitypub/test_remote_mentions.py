"""A post mentioning someone of another server (@bob@remote.example): the link on its page,
the Mention and addressing of its Note, the inboxes it goes to; local @name as before."""

import pytest
from sqlalchemy import select

from app.activitypub import outbox
from app.extensions import db
from app.models import Alert, Post, User
from app.models.post_text import PostText
from tests.activitypub.conftest import AP, remember_bob

BOB = "bob@remote.example"


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("hi @bob@Remote.Example!", [BOB]),
        ("@bob@remote.example. and @alice", [BOB, "alice"]),
        ("@bob@127.0.0.1:8001, hi", ["bob@127.0.0.1:8001"]),
        ("@bob@localhost:8001", ["bob@localhost:8001"]),
        # Not a host: one label and no port is the mention of a local name, then text.
        ("@alice@home", ["alice"]),
        ("mail bob@remote.example", []),
        ("`@bob@remote.example`", []),
        ("https://remote.example/@bob@remote.example", []),
    ],
)
def test_remote_mentions_are_read_with_their_host(app, text, mentions):
    assert PostText.parse(text).mentions() == mentions


def test_a_handle_on_this_site_is_its_local_user(make_app):
    app = make_app(SERVER_NAME="blog.test")
    with app.app_context():
        assert PostText.parse("@alice@Blog.Test hi").mentions() == ["alice"]


def write(app, body: str) -> int:
    with app.app_context():
        remember_bob()
        susan = db.session.scalar(User.by_username("susan"))
        post = Post.write(susan, body)
        db.session.commit()
        return post.id


def test_the_note_mentions_and_addresses_bob_and_links_his_profile(app, client, make_user):
    make_user("susan")
    make_user("alice")
    post_id = write(app, "hi @bob@remote.example and @alice")
    note = client.get(f"/post/{post_id}", headers=AP).get_json()
    mentions = [tag for tag in note["tag"] if tag["type"] == "Mention"]
    assert mentions == [
        {"type": "Mention", "href": "https://remote.example/users/bob", "name": f"@{BOB}"},
        {"type": "Mention", "href": "http://localhost/users/alice", "name": "@alice@localhost"},
    ]
    assert note["cc"] == [
        "http://localhost/users/susan/followers",
        "https://remote.example/users/bob",
        "http://localhost/users/alice",
    ]
    # In the Note, bob's mention leads to his profile on his server; alice's to hers here.
    assert 'href="https://remote.example/@bob"' in note["content"]
    assert 'href="http://localhost/user/alice"' in note["content"]
    # On the site, bob's mention is a link to his profile here.
    with app.app_context():
        html = db.session.get(Post, post_id).body_html
    assert f'<a class="mention" href="/user/{BOB}"' in html


def test_an_unknown_account_is_plain_text_and_no_mention(app, client, make_user):
    make_user("susan")
    make_user("bob")  # a local bob is not bob@elsewhere.example
    post_id = write(app, "hi @bob@elsewhere.example")
    note = client.get(f"/post/{post_id}", headers=AP).get_json()
    assert [tag for tag in note["tag"] if tag["type"] == "Mention"] == []
    assert "mention" not in note["content"] and "@bob@elsewhere.example" in note["content"]


def test_the_outbox_page_names_remote_mentions_too(app, client, make_user):
    make_user("susan")
    write(app, "hi @bob@remote.example")
    page = client.get("/users/susan/outbox?page=true", headers=AP).get_json()
    (create,) = page["orderedItems"]
    assert "https://remote.example/users/bob" in create["object"]["cc"]
    assert create["cc"] == create["object"]["cc"]


def test_the_post_goes_to_bobs_inbox_and_he_gets_no_alert(app, make_user):
    make_user("susan")
    post_id = write(app, "hi @bob@remote.example")
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert outbox.mentioned_inboxes(post) == ["https://remote.example/inbox"]
        assert outbox.audience(post) == ["https://remote.example/inbox"]
        assert db.session.scalars(select(Alert)).all() == []
