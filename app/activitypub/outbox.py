"""Activities our users send to other servers: each builder returns a Delivery (the
activity, the inboxes, the sender's id), and send() queues them once the view has
committed. The publish_* functions are what views call after their commit; each does
nothing on a site that does not federate, or when nobody elsewhere is to be told."""

from collections.abc import Hashable
from datetime import timedelta
from uuid import uuid4

from flask import current_app
from sqlalchemy import func, select

# As modules, not names: views import this module while documents.py may still be loading.
from app.activitypub import documents, keys, negotiation
from app.extensions import db
from app.federation.delivery import deliver
from app.models import ActorKey, FollowRequest, Post, RemoteActor, RetiredKey, User, followers
from app.models.followers import end_follows_with
from app.models.post_text import PostText

# The activity, the inboxes, the sender: a user's id, or keys.retired_sender's.
Delivery = tuple[dict, list[str], Hashable]


def activity(kind: str, actor: User, object: object, **fields: object) -> dict:
    """A new activity of `actor`'s, with an id of its own under their actor's."""
    return {
        "@context": documents.ACTIVITY_STREAMS,
        "id": f"{documents.actor_id(actor)}#{kind.lower()}/{uuid4().hex}",
        "type": kind,
        "actor": documents.actor_id(actor),
        "object": object,
        **fields,
    }


def inbox(user: User) -> list[str]:
    """A remote user's own inbox (none for a local user)."""
    return [user.remote_actor.inbox] if user.remote_actor is not None else []


def follower_inboxes(user: User) -> list[str]:
    """The inboxes of the user's followers on other servers, each server's shared inbox
    when it has one, each once."""
    address = func.coalesce(RemoteActor.shared_inbox, RemoteActor.inbox)
    query = (
        select(address)
        .join(followers, followers.c.follower_id == RemoteActor.user_id)
        .where(followers.c.followed_id == user.id)
        .distinct()
    )
    return sorted(db.session.scalars(query))


def mentioned_inboxes(post: Post) -> list[str]:
    """The inboxes of the accounts elsewhere that the post mentions (name@host), each
    server's shared inbox when it has one, each once."""
    names = [name for name in PostText.parse(post.body).mentions() if "@" in name]
    if not names:
        return []
    address = func.coalesce(RemoteActor.shared_inbox, RemoteActor.inbox)
    query = (
        select(address)
        .join(User, User.id == RemoteActor.user_id)
        .where(User.username.in_(names))
        .distinct()
    )
    return sorted(db.session.scalars(query))


def audience(post: Post) -> list[str]:
    """Who is told of a local user's post, and of its edits and its deletion: their
    followers elsewhere, those it mentions there and the author of the post it answers,
    if elsewhere; each inbox once."""
    inboxes = follower_inboxes(post.author) + mentioned_inboxes(post)
    parent = post.in_reply_to
    answered = parent.author.remote_actor if parent is not None else None
    # Their server's shared inbox, if it is sent there already, reaches them too.
    if answered is not None and answered.shared_inbox not in inboxes:
        inboxes.append(answered.inbox)
    return list(dict.fromkeys(inboxes))


def follow_activity(follower: User, followed: User, id: str | None = None) -> dict:
    document = activity("Follow", follower, documents.actor_id(followed))
    if id is not None:
        document["id"] = id
    return document


def new_follow_id(follower: User, followed: User) -> str | None:
    """The id of the Follow a local user sends to follow someone elsewhere (None for a local
    user to follow): the FollowRequest keeps it until the Accept names it."""
    return follow_activity(follower, followed)["id"] if followed.is_remote else None


def answer_follow(followed: User, follow: dict, accepted: bool) -> Delivery:
    """The Accept (or Reject) of a remote user's Follow of a local user, to the follower."""
    follower = RemoteActor.by_uri(follow["actor"])
    kind = "Accept" if accepted else "Reject"
    inboxes = [follower.inbox] if follower is not None else []
    return activity(kind, followed, follow), inboxes, followed.id


def answer_request(request: FollowRequest, accepted: bool) -> Delivery | None:
    """answer_follow for a request that waited for approval (before it is answered and
    gone); None for a request made on this site."""
    if not request.follower.is_remote or request.followed.is_remote:
        return None
    follow = {
        "id": request.activity_uri or f"{documents.actor_id(request.follower)}#follow/{request.id}",
        "type": "Follow",
        "actor": documents.actor_id(request.follower),
        "object": documents.actor_id(request.followed),
    }
    return answer_follow(request.followed, follow, accepted)


def send(*deliveries: Delivery | None) -> None:
    """Queue each delivery (after the commit: a worker must find what it names)."""
    for delivery in deliveries:
        if delivery is not None and delivery[1]:
            deliver(*delivery)


def publish_follow(follower: User, followed: User) -> None:
    """The Follow of a local user's request to follow someone elsewhere."""
    if not followed.is_remote or not negotiation.federating():
        return
    request = FollowRequest.between(follower, followed)
    if request is not None and request.activity_uri:
        follow = follow_activity(follower, followed, request.activity_uri)
        send((follow, inbox(followed), follower.id))


def unfollowing(follower: User, followed: User) -> Delivery | None:
    """The Undo of a local user's follow (or request) of someone elsewhere, built before
    the follow goes."""
    if not followed.is_remote or not negotiation.federating():
        return None
    request = FollowRequest.between(follower, followed)
    follow = follow_activity(follower, followed, request.activity_uri if request else None)
    follow.pop("@context")
    return activity("Undo", follower, follow), inbox(followed), follower.id


def publish_post(post: Post) -> None:
    """A local user's new post, to their followers elsewhere, those it mentions there and
    the author answered."""
    if not negotiation.federating() or post.author.is_remote:
        return
    inboxes = audience(post)
    if inboxes:
        send((documents.create(post), inboxes, post.user_id))


def deletion(post: Post) -> Delivery | None:
    """The Delete of a local user's post, built before the post goes (and its answered
    post with it)."""
    if not negotiation.federating() or post.author.is_remote:
        return None
    inboxes = audience(post)
    if not inboxes:
        return None
    tombstone = {"id": documents.note_id(post), "type": "Tombstone"}
    return activity("Delete", post.author, tombstone, to=[documents.PUBLIC]), inboxes, post.user_id


def publish_update(post: Post) -> None:
    """A local user's edited post, to those its first version went to."""
    if not negotiation.federating() or post.author.is_remote:
        return
    inboxes = audience(post)
    if inboxes:
        note = documents.note(post)
        context = note.pop("@context")
        update = activity("Update", post.author, note, to=[documents.PUBLIC])
        send((update | {"@context": context}, inboxes, post.user_id))


REACTIONS = {"like": "Like", "boost": "Announce"}


def publish_reaction(user: User, post: Post, verb: str) -> None:
    """A local user's like or boost (or its undoing: unlike, unboost) of a post from
    elsewhere, to the post's author; a boost of one of ours, to the booster's followers
    elsewhere."""
    if user.is_remote or not negotiation.federating():
        return
    if post.uri is not None:
        inboxes = inbox(post.author)
    elif verb.endswith("boost"):
        inboxes = follower_inboxes(user)
    else:
        return
    if not inboxes:
        return
    kind = REACTIONS[verb.removeprefix("un")]
    document = activity(kind, user, post.uri or documents.note_id(post), to=[documents.PUBLIC])
    if verb.startswith("un"):
        document.pop("@context")
        document = activity("Undo", user, document)
    send((document, inboxes, user.id))


# Accounts leaving and coming back


def known_inboxes() -> list[str]:
    """An inbox on every server an account here is from (its shared inbox, else each
    account's own): those that may have kept one of our actors."""
    address = func.coalesce(RemoteActor.shared_inbox, RemoteActor.inbox)
    return sorted(db.session.scalars(select(address).distinct()))


def farewell(user: User) -> Delivery | None:
    """The Delete of a local user's actor, for when they delete their account or are
    suspended (as Mastodon does): to their followers elsewhere and every server known, built
    before their rows go; their follows with accounts elsewhere end, as those servers forget
    them (the caller commits, then sends). Signed with a copy of their key, kept through the
    deliveries' retries (RetiredKey): their own signs nothing more. None for a user with no
    key yet, whom no server can know."""
    if user.is_remote or not negotiation.federating():
        return None
    key = ActorKey.current(user.id)
    inboxes = [*follower_inboxes(user), *known_inboxes()]
    end_follows_with(user.id, select(RemoteActor.user_id))
    if key is None or not inboxes:
        return None
    kept = RetiredKey.keep(documents.key_id(user), key, retired_key_lifetime())
    delete = activity("Delete", user, documents.actor_id(user), to=[documents.PUBLIC])
    return delete, inboxes, keys.retired_sender(kept)


def retired_key_lifetime() -> timedelta:
    """As long as a delivery can be tried again, and a day."""
    return timedelta(seconds=sum(current_app.config["FEDERATION_RETRY_INTERVALS"]), days=1)


def publish_return(user: User) -> None:
    """A local user whose suspension was lifted: the Update of their actor, to every server
    known (after the commit). Servers that dropped them on the Delete know them again when
    they fetch the actor; their follows there are gone and are made anew."""
    if user.is_remote or not negotiation.federating() or ActorKey.current(user.id) is None:
        return
    inboxes = known_inboxes()
    if inboxes:
        person = documents.person(user)
        context = person.pop("@context")
        update = activity("Update", user, person, to=[documents.PUBLIC])
        send((update | {"@context": context}, inboxes, user.id))
