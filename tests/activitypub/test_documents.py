"""The JSON-LD documents, field by field as Mastodon reads them: the actor, a post's Note
and its Create."""

import pytest
from cryptography.hazmat.primitives import serialization

from app.extensions import db
from app.models import Post, PostImage, User
from tests.activitypub.conftest import AP, remember_bob

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def get_json(client, path: str, **kwargs):
    response = client.get(path, headers=AP, **kwargs)
    assert response.status_code == 200, path
    assert response.content_type == "application/activity+json; charset=utf-8"
    return response.get_json()


def test_the_actor_has_what_mastodon_needs(app, client, make_user):
    make_user("susan", about_me="I write <Flask> apps: https://example.org")
    actor = get_json(client, "/users/susan")
    assert "https://www.w3.org/ns/activitystreams" in actor["@context"]
    assert "https://w3id.org/security/v1" in actor["@context"]
    assert actor["id"] == "http://localhost/users/susan"
    assert actor["type"] == "Person"
    assert actor["preferredUsername"] == "susan"
    assert actor["url"] == "http://localhost/user/susan"
    for collection in ("inbox", "outbox", "followers", "following", "featured"):
        assert actor[collection] == f"http://localhost/users/susan/{collection}"
    assert actor["endpoints"] == {"sharedInbox": "http://localhost/inbox"}
    assert actor["manuallyApprovesFollowers"] is False
    # The summary is HTML: the text escaped, its address a link.
    assert "&lt;Flask&gt;" in actor["summary"]
    assert 'href="https://example.org"' in actor["summary"]
    assert actor["icon"]["type"] == "Image"
    assert actor["icon"]["url"].startswith("http://localhost/avatar/")
    key = actor["publicKey"]
    assert key["id"] == "http://localhost/users/susan#main-key"
    assert key["owner"] == actor["id"]
    public = serialization.load_pem_public_key(key["publicKeyPem"].encode())
    assert public.key_size == 2048
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        assert susan.public_key_pem() == key["publicKeyPem"]  # made once, kept


def test_the_actor_says_when_followers_are_approved(client, make_user):
    make_user("susan", approve_followers=True)
    assert get_json(client, "/users/susan")["manuallyApprovesFollowers"] is True


def test_a_note_has_its_html_mentions_tags_and_addressing(app, client, make_user):
    make_user("susan")
    make_user("john")
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        post = Post.write(susan, "Hello @john and @nobody, **see** #Flask #学习")
        db.session.commit()
        id = post.id
    note = get_json(client, f"/post/{id}")
    assert note["id"] == note["url"] == f"http://localhost/post/{id}"
    assert note["type"] == "Note"
    assert note["attributedTo"] == "http://localhost/users/susan"
    assert note["to"] == [PUBLIC]
    assert note["cc"] == ["http://localhost/users/susan/followers", "http://localhost/users/john"]
    assert note["inReplyTo"] is None
    assert note["published"].endswith("Z")
    assert "updated" not in note
    # The post's sanitised HTML, its links absolute.
    assert "<strong>see</strong>" in note["content"]
    assert 'href="http://localhost/user/john"' in note["content"]
    assert 'href="/' not in note["content"]
    mentions = [tag for tag in note["tag"] if tag["type"] == "Mention"]
    assert mentions == [
        {"type": "Mention", "href": "http://localhost/users/john", "name": "@john@localhost"}
    ]
    hashtags = {tag["name"]: tag["href"] for tag in note["tag"] if tag["type"] == "Hashtag"}
    assert hashtags == {
        "#flask": "http://localhost/tag/flask",
        "#学习": "http://localhost/tag/%E5%AD%A6%E4%B9%A0",
    }
    assert note["attachment"] == []
    assert note["sensitive"] is False


def test_a_reply_edited_in_a_language_says_so(app, client, make_user):
    make_user("susan")
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        first = Post.write(susan, "The first post of a long thread about Flask applications")
        db.session.flush()
        reply = Post.write(susan, "A reply", in_reply_to=first)
        db.session.flush()
        reply.edit("A reply that says much more about the Flask application it answers")
        db.session.commit()
        first_id, reply_id = first.id, reply.id
    note = get_json(client, f"/post/{reply_id}")
    assert note["inReplyTo"] == f"http://localhost/post/{first_id}"
    assert note["updated"] >= note["published"]
    assert note["contentMap"] == {"en": note["content"]}


def test_a_reply_to_a_post_from_elsewhere_names_that_posts_own_id(app, client, make_user):
    make_user("susan")
    bobs_note = "https://remote.example/users/bob/statuses/1"
    with app.app_context():
        bobs = Post(author=remember_bob(), body="From afar", uri=bobs_note, image_count=0)
        db.session.add(bobs)
        reply = Post.write(db.session.scalar(User.by_username("susan")), "Hi", in_reply_to=bobs)
        db.session.commit()
        reply_id = reply.id
    # Not our copy's page: bob's server, and any other, knows his post by its own id.
    assert get_json(client, f"/post/{reply_id}")["inReplyTo"] == bobs_note
    (create,) = get_json(client, "/users/susan/outbox?page=true")["orderedItems"]
    assert create["object"]["inReplyTo"] == bobs_note


def test_an_image_is_an_attachment_with_its_alt_text(app, client, make_user):
    make_user("susan")
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        image = PostImage(
            key="ab/cdef.jpg", thumbnail_key="ab/cdef-t.jpg", content_type="image/jpeg",
            width=800, height=600, thumbnail_width=400, thumbnail_height=300,
            alt="A cat on a keyboard",
        )  # fmt: skip
        post = Post.write(susan, "Look", images=[image])
        db.session.commit()
        id = post.id
    (attachment,) = get_json(client, f"/post/{id}")["attachment"]
    assert attachment == {
        "type": "Image",
        "mediaType": "image/jpeg",
        "url": "http://localhost/media/ab/cdef.jpg",
        "name": "A cat on a keyboard",
        "width": 800,
        "height": 600,
    }


def test_a_post_from_before_markdown_is_escaped_text(app, client, make_user):
    make_user("susan")
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        post = Post.write(susan, "x")
        post.body, post.body_html = "<b>old</b> www.example.com", None
        db.session.commit()
        id = post.id
    content = get_json(client, f"/post/{id}")["content"]
    assert content.startswith('<p>&lt;b&gt;old&lt;/b&gt; <a href="https://www.example.com"')


def test_the_create_wraps_the_note(app, client, make_user):
    make_user("susan")
    with app.app_context():
        post = Post.write(db.session.scalar(User.by_username("susan")), "Hello")
        db.session.commit()
        id = post.id
    create = get_json(client, f"/post/{id}/activity")
    note = get_json(client, f"/post/{id}")
    assert create["id"] == f"http://localhost/post/{id}/activity"
    assert create["type"] == "Create"
    assert create["actor"] == note["attributedTo"]
    assert (create["to"], create["cc"], create["published"]) == (
        note["to"], note["cc"], note["published"],
    )  # fmt: skip
    assert create["object"] == {k: v for k, v in note.items() if k != "@context"}
    assert create["@context"] == note["@context"]


@pytest.mark.parametrize("path", ["/users/susan", "/post/1", "/post/1/activity"])
def test_ids_are_on_the_canonical_https_origin(make_app, make_user, path):
    # No development setting: https ids, built on SERVER_NAME whatever the Host.
    app = make_app(SERVER_NAME="social.example", PREFERRED_URL_SCHEME="https")
    with app.app_context():
        susan = User(username="susan", email="susan@example.com")
        db.session.add(susan)
        Post.write(susan, "Hello")
        db.session.commit()
    client = app.test_client()
    document = client.get(path, headers=AP, base_url="http://social.example").get_json()
    assert document["id"].startswith("https://social.example/")
    found = [v for v in _strings(document) if v.startswith("http") and "w3" not in v]
    assert all(v.startswith("https://social.example/") or "joinmastodon" in v for v in found)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
