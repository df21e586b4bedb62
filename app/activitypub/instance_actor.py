"""The site's own actor, /actor, as Mastodon has one: an Application named after the domain,
whose key (InstanceKey) signs every document the site fetches from other servers, so that
those answering only signed requests (authorized fetch, "secure mode") answer it too.

Its document is served to anyone, signed request or not: a server checking our signature
fetches it, and must not be asked to sign that fetch with a key we would have to fetch.
"""

from app.activitypub import documents
from app.extensions import db
from app.federation.delivery import SigningKey
from app.federation.fetch import Fetched, fetch_document
from app.models import InstanceKey
from app.security import canonical_url_for


def actor_id() -> str:
    return canonical_url_for("activitypub.instance_actor")


def key_id() -> str:
    return f"{actor_id()}#main-key"


def instance_key() -> InstanceKey:
    """The site's key pair, made and committed now if it has none: another server may fetch
    /actor to check a signature made with it before this request ends."""
    key = InstanceKey.current()
    if key is None:
        InstanceKey.make()
        db.session.commit()
        key = InstanceKey.current()
        assert key is not None
    return key


def signing_key() -> SigningKey:
    return SigningKey(key_id(), instance_key().private_key_pem)


def signed_fetch(url: str) -> Fetched:
    """fetch_document, the GET signed with the site's key."""
    return fetch_document(url, *signing_key())


def document() -> dict:
    """The site's actor document."""
    actor = actor_id()
    return {
        "@context": documents.ACTOR_CONTEXT,
        "id": actor,
        "type": "Application",
        "preferredUsername": documents.domain(),
        "name": documents.domain(),
        "url": documents.site_url(),
        # It takes no activities of its own: what is sent to it goes to the shared inbox.
        "inbox": canonical_url_for("activitypub.shared_inbox"),
        "manuallyApprovesFollowers": True,
        "publicKey": {
            "id": key_id(),
            "owner": actor,
            "publicKeyPem": instance_key().public_key_pem,
        },
    }
