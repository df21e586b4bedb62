"""Private messages across servers, as direct Notes (addressed to people, neither public nor
to followers).

In: a Note from another server addressed only to people, local users among them, becomes a
private message (Message) from its author to each of those local users who does not block
them; its Update edits them, its Delete removes them. Anything it is addressed to on its
author's server that we do not know as an actor is taken to be a collection (their
followers): that Note is followers-only, and not kept.

Out: a local user's message to someone elsewhere goes as a Create of a direct Note to their
inbox, only if the sender opted in (user.fediverse_messages): it is not end-to-end
encrypted, and the admins of both servers can read it.
"""

from html import escape

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from app.activitypub import documents, negotiation, notes, outbox
from app.activitypub.remote_actors import same_origin
from app.extensions import db
from app.main.text import linkify
from app.models import Message, Notification, RemoteActor, User
from app.models.types import iso, utcnow

# The message's column: a longer text is cut, as a post's is.
BODY_MAX = 280


def is_followers_only(note: dict, sender: User, recipients: list[User]) -> bool:
    """Whether the Note is addressed to something on its author's server that is neither
    a local recipient nor an actor we know: their followers, as far as we can tell."""
    ours = {documents.actor_id(user) for user in recipients}
    author = documents.actor_id(sender)
    return any(
        same_origin(name, author) and RemoteActor.by_uri(name) is None
        for name in notes.addressees(note)
        if name not in ours
    )


def received(uri: str, recipient: User) -> bool:
    query = select(Message.id).where(Message.uri == uri, Message.recipient_id == recipient.id)
    return db.session.scalar(query.limit(1)) is not None


def receive(note: dict, sender: User, recipients: list[User]) -> None:
    """A remote user's Note that is not public, addressed to these local `recipients`: a
    private message to each who does not block the sender (the caller commits)."""
    if not recipients or is_followers_only(note, sender, recipients):
        return
    _, text = notes.note_text(note)
    if not text:
        return
    for user in dict.fromkeys(recipients):
        if user.either_blocks(sender) or received(note["id"], user):
            continue
        db.session.add(
            Message(sender_id=sender.id, recipient_id=user.id, body=text[:BODY_MAX], uri=note["id"])
        )
        Notification.replace(user, "unread_message_count", user.count_unread_messages())


def edit(note: dict, sender: User) -> bool:
    """The sender edited a direct Note of theirs: the messages it became take its new text,
    marked edited, as a post's edit (the caller commits). Nothing if its text is now empty:
    a Delete removes a message. Whether the Note became messages here at all."""
    query = select(Message.id).where(Message.uri == note["id"], Message.sender_id == sender.id)
    if db.session.scalar(query.limit(1)) is None:
        return False
    _, text = notes.note_text(note)
    if not text:
        return True
    db.session.execute(
        update(Message)
        .where(
            Message.uri == note["id"],
            Message.sender_id == sender.id,
            Message.body != text[:BODY_MAX],
        )
        .values(body=text[:BODY_MAX], edited_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return True


def forget(uri: str, sender: User) -> None:
    """The sender deleted a direct Note of theirs: the messages it became go (the caller
    commits)."""
    query = select(Message.recipient_id).where(Message.uri == uri, Message.sender_id == sender.id)
    recipients = list(db.session.scalars(query))
    if not recipients:
        return
    db.session.execute(
        delete(Message).where(Message.uri == uri, Message.sender_id == sender.id),
        execution_options={"synchronize_session": False},
    )
    for user in db.session.scalars(select(User).where(User.id.in_(recipients))):
        Notification.replace(user, "unread_message_count", user.count_unread_messages())


def refusal(sender: User, recipient: User) -> str | None:
    """Why `sender` cannot send a message to `recipient`, someone elsewhere; None if they can."""
    if not negotiation.federating():
        return str(_l("This site does not exchange messages with other servers."))
    if not sender.fediverse_messages:
        return str(
            _l(
                "%(username)s is on another server. Your messages can go there only if you "
                "turn on \u201cSend private messages to other servers\u201d on the page where "
                "you edit your profile: they are not end-to-end encrypted.",
                username=recipient.username,
            )
        )
    return None


def message_id(message: Message) -> str:
    """Our message's Note id, under its sender's actor (not served: it is no one else's)."""
    return f"{documents.actor_id(message.author)}/messages/{message.id}"


def last_received(message: Message) -> str | None:
    """The Note id of the newest message the recipient sent the sender: what this answers."""
    query = (
        Message.between(message.author, message.recipient)
        .where(Message.sender_id == message.recipient_id, Message.uri.is_not(None))
        .limit(1)
    )
    answered = db.session.scalar(query)
    return answered.uri if answered is not None else None


def message_note(message: Message) -> dict:
    """Our message as the Create of a direct Note, addressed and mentioning its recipient."""
    recipient = message.recipient
    to = documents.actor_id(recipient)
    page = recipient.remote_actor.profile_url if recipient.remote_actor else None
    name = escape(recipient.username.partition("@")[0])
    mention = (
        f'<span class="h-card"><a href="{escape(page or to)}" class="u-url mention">'
        f"@<span>{name}</span></a></span>"
    )
    body = "<br>".join(linkify(line) for line in message.body.splitlines())
    note = {
        "id": message_id(message),
        "type": "Note",
        "attributedTo": documents.actor_id(message.author),
        "inReplyTo": last_received(message),
        "published": iso(message.timestamp),
        "to": [to],
        "cc": [],
        "sensitive": False,
        "content": f"<p>{mention} {body}</p>",
        "tag": [{"type": "Mention", "href": to, "name": f"@{recipient.username}"}],
    }
    return {
        "@context": documents.ACTIVITY_STREAMS,
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": note["attributedTo"],
        "published": note["published"],
        "to": note["to"],
        "cc": [],
        "object": note,
    }


def publish_message(message: Message) -> None:
    """A local user's message to someone elsewhere, to their inbox, once the view has
    committed; nothing if it may not go (refusal)."""
    sender, recipient = message.author, message.recipient
    if not recipient.is_remote or sender.is_remote or refusal(sender, recipient):
        return
    outbox.send((message_note(message), outbox.inbox(recipient), sender.id))
