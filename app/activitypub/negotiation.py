"""Who asks for ActivityPub JSON, answering them, and whether this site federates at all."""

import json

from flask import Response, current_app, request

# A module, not a name: outbox.py imports this one while documents.py may still be loading.
from app.activitypub import documents

ACTIVITY_JSON = "application/activity+json; charset=utf-8"
# What an ActivityPub client may name in Accept; Mastodon sends both.
ACTIVITY_TYPES = {"application/activity+json", "application/ld+json"}


def federating() -> bool:
    """ActivityPub documents are served: on a public site (PUBLIC_TIMELINE, as the feeds)
    whose ids are https URLs, or http ones where ACTIVITYPUB_ALLOW_HTTP allows (development):
    other servers keep an actor's id for good."""
    config = current_app.config
    if not config["PUBLIC_TIMELINE"]:
        return False
    return config["ACTIVITYPUB_ALLOW_HTTP"] or documents.site_url().startswith("https://")


def wants_activity_json() -> bool:
    """The request's Accept prefers ActivityPub JSON to HTML (a browser's does not; a client
    naming both as much gets the JSON: it named it)."""
    accept = request.accept_mimetypes
    # Compared without parameters: ld+json comes with a profile, which Werkzeug would match.
    activity = max(
        (quality for value, quality in accept if value.split(";")[0].strip() in ACTIVITY_TYPES),
        default=0,
    )
    return activity > 0 and activity >= accept["text/html"]


def activity_response(document: dict, status: int = 200) -> Response:
    """A document as ActivityPub JSON; it varies with Accept where the URL also serves HTML."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, status=status, content_type=ACTIVITY_JSON)
    response.vary.add("Accept")
    return response
