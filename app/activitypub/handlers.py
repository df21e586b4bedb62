"""What each kind of activity from another server does here: one small function a type,
called in the background (inbox.py) once the activity's signature and actor are checked, and
its shape by check() in the request. Each returns the deliveries it causes (an Accept), for
after the commit; the types not here are taken and ignored."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete as delete_rows

from app.activitypub import attachments, direct, notes, outbox, remote_posts
from app.activitypub.lookups import local_post, local_user, object_id, remote_post
from app.activitypub.outbox import Delivery
from app.activitypub.remote_actors import BadActor, remember_actor, same_origin
from app.extensions import db
from app.models import FollowRequest, Post, PostEdit, Tag, Tombstone, User
from app.models.inbox_activity import URI_MAX
from app.models.moderation import LISTED
from app.models.reactions import forget_reactions_of
from app.models.types import utcnow


class Malformed(ValueError):
    """The activity cannot be read as its type must be (the inbox answers 400)."""


def own_inner(activity: dict) -> dict:
    """The activity inside an Undo, which must be given whole, and be the sender's own."""
    inner = activity.get("object")
    if not isinstance(inner, dict):
        raise Malformed(f"an {activity['type']} must give the activity it answers")
    if object_id(inner.get("actor")) != activity["actor"]:
        raise Malformed("an Undo may only take back its actor's own activity")
    return inner


# Follows


def follow(activity: dict, sender: User) -> list[Delivery]:
    """A remote user follows a local one: at once (Accept), or once they approve."""
    followed = local_user(object_id(activity.get("object")))
    if followed is None:
        return []
    if followed.either_blocks(sender):
        return [outbox.answer_follow(followed, activity, accepted=False)]
    if sender.ask_to_follow(followed, activity["id"]):
        return [outbox.answer_follow(followed, activity, accepted=True)]
    return []


def unfollow(inner: dict, sender: User) -> None:
    followed = local_user(object_id(inner.get("object")))
    if followed is not None:
        sender.unfollow(followed)
        sender.withdraw_follow_request(followed)


def our_follow_request(activity: dict, sender: User) -> tuple[FollowRequest | None, User | None]:
    """The request of a local user to follow `sender` that an Accept or Reject answers (by
    the Follow's id, or its actor), and that local user."""
    inner = activity.get("object")
    request = FollowRequest.by_activity(object_id(inner) or "")
    follower = request.follower if request is not None else None
    if follower is None and isinstance(inner, dict):
        follower = local_user(object_id(inner.get("actor")))
        request = FollowRequest.between(follower, sender) if follower else None
    if request is not None and request.followed_id != sender.id:
        return None, None
    return request, follower


def accept(activity: dict, sender: User) -> None:
    """A remote user accepted a local user's Follow: the follow is made."""
    request, _ = our_follow_request(activity, sender)
    if request is not None:
        request.accept()


def reject(activity: dict, sender: User) -> None:
    """A remote user turned down a local user's Follow, or removed them as a follower."""
    request, follower = our_follow_request(activity, sender)
    if request is not None:
        request.reject()
    if follower is not None:
        follower.unfollow(sender)


def block(activity: dict, sender: User) -> None:
    """A remote user blocks a local one: neither follows the other any more."""
    target = local_user(object_id(activity.get("object")))
    if target is not None:
        for one, other in ((sender, target), (target, sender)):
            one.unfollow(other)
            one.withdraw_follow_request(other)


# Posts


def sender_note(activity: dict) -> dict | None:
    """The sender's own Note a Create or Update carries, if it carries one."""
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") != "Note":
        return None
    uri = object_id(note)
    if uri is None or not same_origin(uri, activity["actor"]) or len(uri) > URI_MAX:
        raise Malformed("the Note's id is missing, too long, or not on its author's server")
    if object_id(note.get("attributedTo")) != activity["actor"]:
        raise Malformed("the Note is attributed to someone other than the activity's actor")
    return note


def create(activity: dict, sender: User) -> None:
    """A remote user's post, or the Note sent again (a retried Create): taken as an edit only
    if it is a newer version than the one kept, never over a newer one."""
    note = sender_note(activity)
    if note is None:
        return
    post = remote_post(note["id"])
    if post is None:
        create_note(note, sender)
        return
    newer, kept = notes.version(note, created=True), post.note_updated_at
    if post.user_id == sender.id and newer and kept and newer > kept:
        edit_post(post, note, newer)


def create_note(note: dict, sender: User, edited_at: datetime | None = None) -> None:
    """A public Note, kept when someone here can see why: a local user follows its author, or
    it answers or mentions one (who is then told). One addressed only to people here is a
    private message (direct.py); a followers-only one is not kept. Never one its author
    deleted (its Create or Update came again, or late)."""
    if remote_posts.was_deleted(note):
        return
    if not notes.is_public(note):
        local = (local_user(name) for name in notes.addressees(note))
        direct.receive(note, sender, [user for user in local if user is not None])
        return
    parent = remote_posts.parent_of(note)
    mentioned = remote_posts.mentioned_locals(note)
    if parent is None and not mentioned and not sender.followers_count():
        return
    remote_posts.keep_and_tell(note, sender, parent, mentioned, edited_at)


def update(activity: dict, sender: User) -> None:
    """A remote user edited a post of theirs (its text, its images), a direct message, or
    their profile. An Update of a Note we never had (its Create is late, or lost) makes it,
    as that Create would have; one older than the version kept changes nothing."""
    document = activity.get("object")
    if isinstance(document, dict) and object_id(document) == activity["actor"]:
        try:
            remember_actor(document, activity["actor"])
        except BadActor as error:
            raise Malformed(str(error)) from error
        return
    note = sender_note(activity)
    if note is None:
        return
    post = remote_post(note["id"])
    if post is None:
        if not direct.edit(note, sender):
            create_note(note, sender, edited_at=utcnow())
        return
    newer, kept = notes.version(note, created=False), post.note_updated_at
    # Only an older one is stale: times are often to the second, and an edit may come in the
    # second its post was written (the same version again changes nothing).
    if post.user_id == sender.id and not (newer and kept and newer < kept):
        edit_post(post, note, newer)


def edit_post(post: Post, note: dict, version: datetime | None) -> None:
    """The post takes the Note's text and images, and its version (when it gives one)."""
    html, text = notes.note_text(note)
    now = utcnow()
    if text and text[: remote_posts.BODY_MAX] != post.body:
        db.session.add(PostEdit(post_id=post.id, body=post.body, replaced_at=now))
        post.body, post.body_html, post.edited_at = text[: remote_posts.BODY_MAX], html, now
        Tag.set_post_tags(post.id, post.timestamp, Tag.ids_for(notes.hashtags(note)))
    if attachments.edit_images(post, note, now):
        post.edited_at = now
    post.note_updated_at = version or post.note_updated_at


def delete(activity: dict, sender: User) -> None:
    """A remote user deleted a post or a direct message of theirs, or their account (then
    they go, with all they did here). Either is remembered (a tombstone), even one we never
    had: nothing deleted is made again by a Create, an Update or a boost that comes later."""
    target = object_id(activity.get("object"))
    if target is None:
        return
    if target == activity["actor"]:
        Tombstone.record(target)
        forget_reactions_of(sender.id)
        db.session.execute(
            delete_rows(User).where(User.id == sender.id),
            execution_options={"synchronize_session": False},
        )
        db.session.expunge(sender)
        return
    post = remote_post(target)
    if post is not None and post.user_id == sender.id:
        post.delete()
        Tombstone.record(target)
    elif post is None:
        direct.forget(target, sender)
        if same_origin(target, activity["actor"]):  # theirs, as far as we can tell
            Tombstone.record(target)


# Likes of our posts, boosts of ours and of posts from elsewhere


def reaction(verb: str) -> Callable[[dict, User], None]:
    """A handler running the sender's `verb` (like, unlike, unboost) on the post: ours, or
    for an unboost one from elsewhere."""

    def react(activity: dict, sender: User) -> None:
        uri = object_id(activity.get("object"))
        post = local_post(uri) or (remote_post(uri) if verb == "unboost" else None)
        if post is None or (verb == "like" and post.author.either_blocks(sender)):
            return
        getattr(sender, verb)(post)

    return react


def announce(activity: dict, sender: User) -> None:
    """A remote user boosts a post: into the timelines of those who follow them here, "boosted
    by" them, as a local boost does (and our post's count of boosts)."""
    post = remote_posts.boosted_post(object_id(activity.get("object")), sender)
    if post is not None and post.hidden == LISTED and not post.author.either_blocks(sender):
        sender.boost(post)


UNDOABLE: dict[str, Callable[[dict, User], None]] = {
    "Follow": unfollow,
    "Like": reaction("unlike"),
    "Announce": reaction("unboost"),
}


def undo(activity: dict, sender: User) -> None:
    """A remote user takes back a Follow, a Like or an Announce of theirs."""
    inner = own_inner(activity)
    handler = UNDOABLE.get(inner.get("type"))  # type: ignore[arg-type]
    if handler is not None:
        handler(inner, sender)


HANDLERS: dict[str, Callable[[dict, User], list[Delivery] | None]] = {
    "Follow": follow,
    "Undo": undo,
    "Accept": accept,
    "Reject": reject,
    "Block": block,
    "Create": create,
    "Update": update,
    "Delete": delete,
    "Like": reaction("like"),
    "Announce": announce,
}


def check(activity: dict) -> None:
    """Malformed if the activity's shape is wrong for its type: checked in the request,
    before the activity is queued, so that its sender hears of it (400)."""
    if activity["type"] == "Undo":
        own_inner(activity)
    elif activity["type"] in ("Create", "Update"):
        sender_note(activity)


def handle(activity: dict, sender: User) -> list[Delivery]:
    """Do what the activity says (the caller commits); the deliveries it causes. Nothing
    from a suspended account."""
    handler = HANDLERS.get(activity["type"])
    if handler is None or sender.is_suspended:
        return []
    return handler(activity, sender) or []
