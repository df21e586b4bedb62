"""A boost that brings in a Note we had not seen tells the local users it mentions, or whose
post it answers, as a Create of that Note would; not those who block or mute its author or
their server."""

import pytest
from sqlalchemy import select

from app.activitypub.remote_actors import fetch_actor
from app.extensions import db
from app.models import Alert, Post, User
from tests.activitypub.federated.remote import SITE
from tests.activitypub.federated.test_remote_boosts import announce, serve
from tests.activitypub.federated.test_remote_images import susan_follows_bob
from tests.conftest import add_user


def mention(name: str) -> dict:
    return {"type": "Mention", "href": f"{SITE}/users/{name}", "name": f"@{name}"}


def alerted(app) -> list[tuple[str, str]]:
    """Who was told of which post, by username and body."""
    with app.app_context():
        query = (
            select(User.username, Post.body)
            .join(Alert, Alert.user_id == User.id)
            .join(Post, Post.id == Alert.post_id)
        )
        return sorted(tuple(row) for row in db.session.execute(query))


def test_a_boosted_note_tells_whom_it_mentions(app, client, bob, carol):
    susan_follows_bob(app, client, bob)
    add_user(app, "alice")
    uri = serve(carol, carol.note("<p>hi @alice</p>", tag=[mention("alice")]))
    assert bob.post(client, announce(bob, uri)).status_code == 202
    assert alerted(app) == [("alice", "hi @alice")]
    # Boosted again (a new Announce): the post is known, nobody is told twice.
    assert bob.post(client, announce(bob, uri)).status_code == 202
    assert alerted(app) == [("alice", "hi @alice")]


def test_a_boosted_reply_tells_the_author_it_answers(app, client, bob, carol):
    susan_follows_bob(app, client, bob)
    alice = add_user(app, "alice")
    with app.app_context():
        post_id = Post.write(db.session.get(User, alice.id), "question?").id
        db.session.commit()
    uri = serve(carol, carol.note("<p>answer</p>", inReplyTo=f"{SITE}/post/{post_id}"))
    assert bob.post(client, announce(bob, uri)).status_code == 202
    assert alerted(app) == [("alice", "answer")]


@pytest.mark.parametrize("turned_away", ["block", "mute", "block_domain"])
def test_no_alert_for_whom_turns_the_author_away(app, client, bob, carol, turned_away):
    susan_follows_bob(app, client, bob)
    add_user(app, "alice")
    with app.app_context():
        author = fetch_actor(carol.actor)
        alice = db.session.scalar(User.by_username("alice"))
        if turned_away == "block_domain":
            alice.block_domain(carol.server.url.removeprefix("http://"))
        else:
            getattr(alice, turned_away)(author)
        db.session.commit()
    uri = serve(carol, carol.note("<p>hi @alice</p>", tag=[mention("alice")]))
    assert bob.post(client, announce(bob, uri)).status_code == 202
    with app.app_context():
        assert db.session.scalar(select(Post.body).where(Post.uri == uri)) == "hi @alice"
    assert alerted(app) == []
