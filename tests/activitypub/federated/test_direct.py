"""Private messages across servers: bob's direct Notes to susan become her messages (not
his followers-only ones), and hers go to him as direct Notes once she opts in."""

from sqlalchemy import select

from app.activitypub import handlers
from app.extensions import db
from app.models import Message, Notification, Post, RemoteActor, User
from tests.activitypub.federated.remote import SITE, trust
from tests.conftest import AuthActions

SUSAN = f"{SITE}/users/susan"


def delivered(bob) -> list[dict]:
    return [activity for _, _, activity in bob.inbox.delivered]


def direct_note(bob, text: str, to: list[str], cc: list[str] | None = None) -> dict:
    mention = {"type": "Mention", "href": SUSAN, "name": "@susan@blog.test"}
    return bob.note(f"<p>@susan {text}</p>", to=to, cc=cc or [], tag=[mention])


def messages(app) -> list[tuple[str, str, str]]:
    """Every message: (sender, recipient, body), oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(Message).order_by(Message.id))
        return [(m.author.username, m.recipient.username, m.body) for m in rows]


def bob_name(bob) -> str:
    return f"bob@{bob.server.url.removeprefix('http://')}"


def test_a_direct_note_is_a_private_message_once(app, client, make_user, bob):
    make_user("susan")
    note = direct_note(bob, "psst", to=[SUSAN])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    # Delivered again in another Create (to her inbox, say): still one message.
    assert bob.post(client, bob.activity("Create", note), "/users/susan/inbox").status_code == 202
    assert messages(app) == [(bob_name(bob), "susan", "@susan psst")]
    with app.app_context():
        assert db.session.scalar(select(Post)) is None
        susan = db.session.scalar(User.by_username("susan"))
        assert susan.count_unread_messages() == 1
        notice = db.session.scalar(select(Notification).where(Notification.user_id == susan.id))
        assert notice.name == "unread_message_count" and notice.get_data() == 1
    AuthActions(client).login("susan")
    assert "@susan psst" in client.get("/messages").text


def test_a_direct_note_to_others_elsewhere_too_reaches_susan(app, client, make_user, bob):
    make_user("susan")
    note = direct_note(bob, "hi both", to=[SUSAN, "https://other.example/users/carol"])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert messages(app) == [(bob_name(bob), "susan", "@susan hi both")]


def test_a_followers_only_note_is_not_kept(app, client, make_user, bob):
    make_user("susan")
    note = direct_note(bob, "for my followers", to=[f"{bob.actor}/followers"], cc=[SUSAN])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert messages(app) == []
    with app.app_context():
        assert db.session.scalar(select(Post)) is None


def test_a_direct_note_from_someone_susan_blocks_is_dropped(app, client, make_user, bob):
    make_user("susan")
    assert bob.post(client, bob.activity("Flag", "x")).status_code == 202  # bob known here
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        susan.block(RemoteActor.by_uri(bob.actor).user)
        db.session.commit()
    note = direct_note(bob, "let me in", to=[SUSAN])
    assert bob.post(client, bob.activity("Create", note)).status_code == 202
    assert messages(app) == []


def test_deleting_the_note_deletes_the_message(app, client, make_user, bob):
    make_user("susan")
    note = direct_note(bob, "oops", to=[SUSAN])
    bob.post(client, bob.activity("Create", note))
    tombstone = {"id": note["id"], "type": "Tombstone"}
    assert bob.post(client, bob.activity("Delete", tombstone)).status_code == 202
    assert messages(app) == []
    with app.app_context():
        assert db.session.scalar(User.by_username("susan")).count_unread_messages() == 0


def test_an_update_of_the_note_edits_the_message(app, client, make_user, bob):
    make_user("susan")
    note = direct_note(bob, "see you at 5", to=[SUSAN])
    bob.post(client, bob.activity("Create", note))
    AuthActions(client).login("susan")
    assert "edited" not in client.get("/messages").text
    note["content"] = "<p>@susan see you at 6</p>"
    assert bob.post(client, bob.activity("Update", note)).status_code == 202
    assert messages(app) == [(bob_name(bob), "susan", "@susan see you at 6")]
    page = client.get("/messages").text
    assert "see you at 6" in page and "message-edited" in page
    with app.app_context():
        message = db.session.scalar(select(Message))
        edited_at = message.edited_at
        # Still one unread message: an edit is no new message.
        assert edited_at is not None and message.recipient.count_unread_messages() == 1
    # The same text again, or none, changes nothing.
    assert bob.post(client, bob.activity("Update", note)).status_code == 202
    note["content"] = "<p></p>"
    assert bob.post(client, bob.activity("Update", note)).status_code == 202
    with app.app_context():
        message = db.session.scalar(select(Message))
        assert (message.body, message.edited_at) == ("@susan see you at 6", edited_at)


def test_only_its_author_edits_a_message(app, client, make_user, bob):
    make_user("susan")
    note = direct_note(bob, "mine", to=[SUSAN])
    bob.post(client, bob.activity("Create", note))
    carol = f"{bob.server.url}/users/carol"
    with app.app_context():
        sender = User.remember_remote(
            carol, "carol", bob.server.url.removeprefix("http://"), f"{carol}/inbox", None,
            "pem", f"{carol}#main-key",
        )  # fmt: skip
        # carol, of bob's server, sends an Update of bob's Note as hers.
        forged = {**note, "attributedTo": carol, "content": "<p>@susan hers now</p>"}
        handlers.update({"type": "Update", "actor": carol, "object": forged}, sender)
        db.session.commit()
    assert messages(app) == [(bob_name(bob), "susan", "@susan mine")]


def test_without_opting_in_susan_is_told_her_message_cannot_go(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    bob.post(client, bob.activity("Flag", "x"))
    AuthActions(client).login("susan")
    page = client.get(f"/send_message/{bob_name(bob)}")
    assert "is on another server" in page.text and "end-to-end" in page.text
    assert 'name="message"' not in page.text
    response = client.post(f"/send_message/{bob_name(bob)}", data={"message": "hi bob"})
    assert response.status_code == 200 and "is on another server" in response.text
    assert messages(app) == [] and delivered(bob) == []


def test_opted_in_susan_sends_bob_a_direct_note(app, client, make_user, bob):
    make_user("susan")
    trust(app, bob, "susan")
    earlier = direct_note(bob, "hello susan", to=[SUSAN])
    bob.post(client, bob.activity("Create", earlier))
    AuthActions(client).login("susan")
    profile = client.get("/edit_profile")
    assert "Send private messages to other servers" in profile.text
    assert "not end-to-end encrypted" in profile.text
    client.post("/edit_profile", data={"username": "susan", "fediverse_messages": "y"})
    page = client.get(f"/send_message/{bob_name(bob)}")
    assert 'name="message"' in page.text and "not end-to-end encrypted" in page.text
    client.post(f"/send_message/{bob_name(bob)}", data={"message": "hi bob\nhttps://x.example"})
    assert messages(app)[-1] == ("susan", bob_name(bob), "hi bob\nhttps://x.example")
    (create,) = delivered(bob)
    assert bob.inbox.delivered[0][0] == "/users/bob/inbox"  # his own inbox, not the shared one
    note = create["object"]
    assert create["type"] == "Create" and create["actor"] == SUSAN
    assert create["to"] == note["to"] == [bob.actor] and create["cc"] == note["cc"] == []
    assert note["type"] == "Note" and note["attributedTo"] == SUSAN
    assert note["id"].startswith(f"{SUSAN}/messages/")
    assert note["tag"] == [{"type": "Mention", "href": bob.actor, "name": f"@{bob_name(bob)}"}]
    assert note["inReplyTo"] == earlier["id"]
    assert f'href="{bob.server.url}/@bob" class="u-url mention"' in note["content"]
    assert "hi bob<br>" in note["content"] and 'href="https://x.example"' in note["content"]
    # Turned off again: nothing more goes.
    client.post("/edit_profile", data={"username": "susan"})
    client.post(f"/send_message/{bob_name(bob)}", data={"message": "and again"})
    assert len(delivered(bob)) == 1 and len(messages(app)) == 2


def test_on_a_site_that_does_not_federate_nothing_goes(make_app, make_user, bob):
    app = make_app(PUBLIC_TIMELINE=False)
    with app.app_context():
        User.remember_remote(bob.actor, "bob", "remote.example", f"{bob.actor}/inbox", None,
                             bob.key.public_pem, bob.key_id)  # fmt: skip
        db.session.add(User(username="susan", email="susan@example.com", fediverse_messages=True))
        susan = db.session.scalar(User.by_username("susan"))
        susan.set_password("correct horse")
        db.session.commit()
    client = app.test_client()
    AuthActions(client).login("susan")
    page = client.post("/send_message/bob@remote.example", data={"message": "hi"})
    assert "does not exchange messages with other servers" in page.text
    assert bob.server.received == []
