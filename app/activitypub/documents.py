"""The ActivityPub documents of the site as Mastodon reads them: actors (Person), posts (Note)
and their Create activities, and ordered collections, as plain dicts ready for JSON.

Every id is an absolute URL on the canonical origin (SERVER_NAME with PREFERRED_URL_SCHEME,
app/security.py), never the Host a request named: a post's Note is its page, /post/<id>;
a user's actor is /users/<name>, whose page for people stays /user/<name>. The functions
read what they are given, except the user's key (made on first use by person()) and, unless
given, the users a post mentions; the queries that feed them are in collections.py.
"""

from collections.abc import Mapping
from html import escape
from urllib.parse import urlsplit

from app.activitypub.collections import Mentioned, mentioned_users
from app.feeds.documents import absolute_links
from app.main.text import linkify
from app.models import Post, User
from app.models.mentions import site_path
from app.models.post_text import PostText
from app.models.types import iso
from app.security import canonical_url_for

ACTIVITY_STREAMS = "https://www.w3.org/ns/activitystreams"
PUBLIC = f"{ACTIVITY_STREAMS}#Public"
# The terms outside Activity Streams that Mastodon reads, and where they are defined.
ACTOR_CONTEXT = [
    ACTIVITY_STREAMS,
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "discoverable": "toot:discoverable",
    },
]
NOTE_CONTEXT = [ACTIVITY_STREAMS, {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"}]


def site_url() -> str:
    """The site's root URL on the canonical origin, ending in a slash."""
    return canonical_url_for("main.front")


def domain() -> str:
    """The host (and port, if any) of the site's handles: alice@<domain>."""
    return urlsplit(site_url()).netloc


def actor_id(user: User) -> str:
    """The user's actor: /users/<name> for ours, the actor URI for an account elsewhere."""
    if user.is_remote and user.remote_actor is not None:
        return user.remote_actor.uri
    return canonical_url_for("activitypub.actor", username=user.username)


def key_id(user: User) -> str:
    """The id of the user's public key, the keyId of the signatures made with it. It stays
    when the key is rotated: servers fetch the actor again when a signature fails."""
    return f"{actor_id(user)}#main-key"


def collection_id(user: User, collection: str) -> str:
    """One of the user's collections: inbox, outbox, followers, following or featured."""
    return canonical_url_for(f"activitypub.{collection}", username=user.username)


def profile_url(user: User) -> str:
    """The user's page for people."""
    return canonical_url_for("main.user", username=user.username)


def note_id(post: Post) -> str:
    """The post's stable URI: its page, which answers an ActivityPub client with the Note."""
    return canonical_url_for("posts.post", id=post.id)


def create_id(post: Post) -> str:
    return canonical_url_for("activitypub.post_activity", id=post.id)


def handle(user: User) -> str:
    return user.username if user.is_remote else f"{user.username}@{domain()}"


def absolute(url: str) -> str:
    """A site-relative URL (an identicon, an image) made absolute on the canonical origin."""
    return url if "://" in url else site_url() + url.lstrip("/")


def person(user: User, public_key_pem: str | None = None) -> dict:
    """The user's actor document. The public key is `public_key_pem`, else the user's own,
    made now if they have none yet (the caller then commits)."""
    actor = actor_id(user)
    avatar = user.avatar(256)
    document: dict = {
        "@context": ACTOR_CONTEXT,
        "id": actor,
        "type": "Person",
        "preferredUsername": user.username,
        "name": user.username,
        "summary": f"<p>{linkify(user.about_me)}</p>" if user.about_me else "",
        "url": profile_url(user),
        "published": iso(user.created_at),
        "inbox": collection_id(user, "inbox"),
        "outbox": collection_id(user, "outbox"),
        "followers": collection_id(user, "followers"),
        "following": collection_id(user, "following"),
        "featured": collection_id(user, "featured"),
        "manuallyApprovesFollowers": bool(user.approve_followers),
        "discoverable": True,
        "endpoints": {"sharedInbox": canonical_url_for("activitypub.shared_inbox")},
        "publicKey": {
            "id": key_id(user),
            "owner": actor,
            "publicKeyPem": public_key_pem or user.public_key_pem(),
        },
        "icon": {"type": "Image", "url": absolute(avatar)},
    }
    if "://" not in avatar:  # the site's own identicon
        document["icon"]["mediaType"] = "image/svg+xml"
    return document


def content_html(post: Post, links: Mapping[str, str] | None = None) -> str:
    """The post's HTML as its page shows it (sanitised when written), links made absolute,
    those of `links` (a page here: the address it becomes) replaced; a post from before
    Markdown as one paragraph of escaped text with its links."""
    if post.body_html is None:
        return f"<p>{linkify(post.body)}</p>"
    html = post.body_html
    for page, address in (links or {}).items():
        html = html.replace(f'href="{page}"', f'href="{escape(address)}"')
    return absolute_links(html, site_url())


def mentions(post: Post, known: Mapping[str, Mentioned]) -> list[tuple[str, Mentioned]]:
    """The users the post mentions that are among `known` (those that exist), by name."""
    return [(name, known[name]) for name in PostText.parse(post.body).mentions() if name in known]


def in_reply_to(post: Post) -> str | None:
    """The id of the Note the post answers: its page for one of ours, and for one from
    elsewhere the id its own server gave it (our copy's page means nothing there)."""
    if post.in_reply_to_id is None:
        return None
    parent = post.in_reply_to
    if parent is not None and parent.uri:
        return parent.uri
    return canonical_url_for("posts.post", id=post.in_reply_to_id)


def mention_name(name: str) -> str:
    """@name@host, as the fediverse writes a mention: ours with the site's domain."""
    return f"@{name}" if "@" in name else f"@{name}@{domain()}"


def note(post: Post, known_users: Mapping[str, Mentioned] | None = None) -> dict:
    """The post as a Note. `known_users`: the existing users among those it mentions, by
    name (looked up when not given); only they become Mentions, as only they are links.
    A mention of someone elsewhere links to their profile there, as their server expects."""
    author = post.author
    if known_users is None:
        known_users = mentioned_users([post])
    mentioned = mentions(post, known_users)
    remote_pages = {
        site_path("main.user", username=name): user.url
        for name, user in mentioned
        if user.url is not None
    }
    content = content_html(post, remote_pages)
    document: dict = {
        "@context": NOTE_CONTEXT,
        "id": note_id(post),
        "type": "Note",
        "summary": None,
        "inReplyTo": in_reply_to(post),
        "published": iso(post.timestamp),
        "url": note_id(post),
        "attributedTo": actor_id(author),
        "to": [PUBLIC],
        "cc": [collection_id(author, "followers"), *(user.actor for _, user in mentioned)],
        "sensitive": False,
        "content": content,
        "tag": [
            *(
                {"type": "Mention", "href": user.actor, "name": mention_name(name)}
                for name, user in mentioned
            ),
            *(
                {
                    "type": "Hashtag",
                    "href": canonical_url_for("tags.tag", name=tag.name),
                    "name": f"#{tag.name}",
                }
                for tag in post.tags
            ),
        ],
        "attachment": [
            {
                "type": "Image",
                "mediaType": image.content_type,
                "url": canonical_url_for("media.file", key=image.key),
                "name": image.alt or None,
                "width": image.width,
                "height": image.height,
            }
            for image in post.images
        ],
    }
    if post.language:
        document["contentMap"] = {post.language: content}
    if post.edited_at:
        document["updated"] = iso(post.edited_at)
    return document


def create(post: Post, known_users: Mapping[str, Mentioned] | None = None) -> dict:
    """The activity that published the post, with the Note inside."""
    document = note(post, known_users)
    return {
        "@context": document.pop("@context"),
        "id": create_id(post),
        "type": "Create",
        "actor": document["attributedTo"],
        "published": document["published"],
        "to": document["to"],
        "cc": document["cc"],
        "object": document,
    }


def ordered_collection(
    id: str, total: int, first: str | None = None, items: list | None = None
) -> dict:
    """An OrderedCollection: its count and first page, or (a short one) its items."""
    document: dict = {
        "@context": ACTIVITY_STREAMS,
        "id": id,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if first is not None:
        document["first"] = first
    if items is not None:
        document["orderedItems"] = items
    return document


def collection_page(
    id: str,
    part_of: str,
    items: list,
    next: str | None = None,
    prev: str | None = None,
    context: str | list = ACTIVITY_STREAMS,
) -> dict:
    """One OrderedCollectionPage of a collection, with its neighbours if any; `context`,
    the terms its items use (NOTE_CONTEXT for activities holding Notes)."""
    document: dict = {
        "@context": context,
        "id": id,
        "type": "OrderedCollectionPage",
        "partOf": part_of,
        "orderedItems": items,
    }
    if next:
        document["next"] = next
    if prev:
        document["prev"] = prev
    return document
