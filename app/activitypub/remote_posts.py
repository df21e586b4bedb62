"""Posts of other servers kept here: made from a Note (a Create's, or one fetched because
someone followed here boosted it), with its text, tags and, in the background, its images;
the local users it mentions or answers are told, however it came."""

from datetime import datetime

from flask import current_app

from app.activitypub import attachments, notes
from app.activitypub.documents import site_url
from app.activitypub.instance_actor import signed_fetch
from app.activitypub.lookups import local_post, local_user, object_id, remote_post
from app.activitypub.remote_actors import BadActor, fetch_actor, same_origin
from app.extensions import db
from app.federation.fetch import FetchError, RequestFailed
from app.models import Alert, Post, RemoteActor, Tag, Tombstone, User
from app.models.inbox_activity import URI_MAX
from app.models.mentions import mentioned_ids

BODY_MAX = 280


def keep_note(
    note: dict, author: User, parent: Post | None = None, edited_at: datetime | None = None
) -> Post | None:
    """The remote post `note` is (by `author`, answering `parent`; edited at `edited_at` when
    an Update brought it), made (the caller commits); None for a Note with neither text nor
    images, or one its author deleted (was_deleted). Its images are fetched after the
    commit."""
    html, text = notes.note_text(note)
    if not text and not attachments.image_attachments(note):
        return None
    if was_deleted(note):
        current_app.logger.info("Not keeping the Note %s: its author deleted it", note["id"])
        return None
    post = Post(
        author=author,
        uri=note["id"],
        body=text[:BODY_MAX],
        body_html=html,
        timestamp=notes.published(note),
        edited_at=edited_at,
        note_updated_at=notes.version(note, created=True),
        language=notes.language(note, text),
        image_count=0,
    )
    if parent is not None:
        post.in_reply_to, post.is_reply = parent, True
    db.session.add(post)
    db.session.flush()
    Tag.set_post_tags(post.id, post.timestamp, Tag.ids_for(notes.hashtags(note)))
    attachments.fetch_images_later(post, note)
    return post


def was_deleted(note: dict) -> bool:
    """Whether the Note, or its author's account, was deleted (a tombstone is kept for it)."""
    return Tombstone.any_of(object_id(note.get("id")), object_id(note.get("attributedTo")))


# The activities that make a Note into a post, or delete it.
MAKE_OR_DELETE = ("Create", "Update", "Announce", "Delete")


def delete_if_crossed(activity: dict) -> None:
    """A Note's Delete and its Create (Update, boost) handled at the same moment by two jobs
    each read before the other committed, so the post was kept after its tombstone. Asked
    again after each commit, the job that commits last finds both and deletes the post."""
    if activity.get("type") not in MAKE_OR_DELETE:
        return
    uri = object_id(activity.get("object"))
    post = remote_post(uri)
    if post is not None and Tombstone.any_of(uri):
        current_app.logger.info("Deleting %s: its Delete crossed its arrival", uri)
        post.delete()
        db.session.commit()


def mentioned_locals(note: dict) -> list[User]:
    """The local users the Note's Mention tags name."""
    users = (local_user(object_id(tag.get("href"))) for tag in notes.tags_of(note, "Mention"))
    return [user for user in users if user is not None]


def parent_of(note: dict) -> Post | None:
    """The post the Note answers, if we have it (ours or one from elsewhere)."""
    in_reply_to = object_id(note.get("inReplyTo"))
    return local_post(in_reply_to) or remote_post(in_reply_to)


def keep_and_tell(
    note: dict,
    author: User,
    parent: Post | None,
    mentioned: list[User],
    edited_at: datetime | None = None,
) -> Post | None:
    """keep_note, then tell the local users it mentions, and the author of ours it answers,
    less those who block or mute its author or their server (the caller commits)."""
    post = keep_note(note, author, parent, edited_at)
    if post is None:
        return None
    told = [user.username for user in mentioned]
    if parent is not None and not parent.author.is_remote:
        told.append(parent.author.username)
    Alert.mentions(post, (id for id in mentioned_ids(told, author.id) if id != author.id))
    return post


def fetch_note(uri: str) -> tuple[dict, User] | None:
    """The public Note at `uri` of another server (fetched signed by the site's actor) and its
    author (fetched and remembered if unknown; the caller commits), checked as a Create's Note
    is: its id on the server it came from and its author's; None (logged) when it cannot be
    had or used, RequestFailed when it may be had later (no answer, a 5xx, a 429)."""
    try:
        if same_origin(uri, site_url()):
            raise BadActor("it is on this site, not another server")
        if Tombstone.any_of(uri):
            raise BadActor("its author deleted it")
        fetched = signed_fetch(uri)
        note = fetched.document
        id, author_uri = note.get("id"), note.get("attributedTo")
        if isinstance(author_uri, dict):
            author_uri = author_uri.get("id")
        if note.get("type") != "Note" or not isinstance(id, str) or len(id) > URI_MAX:
            raise BadActor("not a Note with an id")
        if not isinstance(author_uri, str) or same_origin(fetched.url, site_url()):
            raise BadActor("not attributed to anyone, or on this site")
        if not (same_origin(id, fetched.url) and same_origin(id, author_uri)):
            raise BadActor("the Note's id is not on the server it came from, or its author's")
        if not notes.is_public(note):
            raise BadActor("the Note is not public")
        if Tombstone.any_of(id, author_uri):  # before its author is fetched (and kept) again
            raise BadActor("its author deleted it, or their account")
        known = RemoteActor.by_uri(author_uri)
        author = known.user if known is not None else fetch_actor(author_uri)
    except RequestFailed as error:
        if error.may_pass:
            raise  # the inbox's job is tried again later (app/federation/inbox_queue.py)
        current_app.logger.info("Not keeping the Note %s: %s", uri, error)
        return None
    except (FetchError, BadActor) as error:
        current_app.logger.info("Not keeping the Note %s: %s", uri, error)
        return None
    return note, author


def boosted_post(uri: str | None, sender: User) -> Post | None:
    """The post an Announce boosts: ours, or one from elsewhere when someone here follows the
    booster (fetched if unknown, checked as a Create's Note is, and kept as a Create's is:
    whom it mentions here is told)."""
    post = local_post(uri)
    if post is not None or uri is None or not sender.followers_count():
        return post
    post = remote_post(uri)
    if post is not None or len(uri) > URI_MAX:
        return post
    found = fetch_note(uri)
    if found is None:
        return None
    note, author = found
    post = remote_post(note["id"])
    if post is None and not author.is_suspended:
        post = keep_and_tell(note, author, parent_of(note), mentioned_locals(note))
    return post
