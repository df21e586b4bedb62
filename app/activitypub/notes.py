"""Reading a Note from another server: its addressing, its content as the site's HTML and
as plain text, when it was written, its tags and its language."""

from datetime import UTC, datetime

from app.activitypub.documents import PUBLIC
from app.activitypub.remote_actors import plain_text
from app.models.language import detect_language
from app.models.post_text import TAG_MAX, sanitize, tag_name
from app.models.types import utcnow

# What Mastodon and others write for the public collection.
PUBLIC_NAMES = {PUBLIC, "as:Public", "Public"}
# Characters of HTML that fit MariaDB's TEXT (65,535 bytes) at four bytes each.
HTML_MAX = 16_000


def addressees(note: dict) -> list[str]:
    """Whom the Note is addressed to (its `to` and `cc`), each once, as ids."""
    addressed: list[object] = []
    for field in ("to", "cc"):
        value = note.get(field)
        addressed += value if isinstance(value, list) else [value]
    ids = (name.get("id") if isinstance(name, dict) else name for name in addressed)
    return list(dict.fromkeys(name for name in ids if isinstance(name, str) and name))


def is_public(note: dict) -> bool:
    return any(name in PUBLIC_NAMES for name in addressees(note))


def note_text(note: dict) -> tuple[str, str]:
    """The Note's content as the site's HTML (sanitised) and as plain text; both empty for
    none, or for HTML longer than a post's column takes everywhere (MariaDB's TEXT)."""
    content = note.get("content")
    content_map = note.get("contentMap")
    if not isinstance(content, str) and isinstance(content_map, dict):
        content = next((v for v in content_map.values() if isinstance(v, str)), None)
    if not isinstance(content, str):
        return "", ""
    html = sanitize(content)  # first: a script's text is no part of the post's
    if len(html) > HTML_MAX:
        return "", ""
    return html, plain_text(html)


def moment(value: object) -> datetime | None:
    """A time a Note gives, in UTC, never later than now; None when it gives none usable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return min(moment.astimezone(UTC), utcnow())
    except (ValueError, OverflowError):  # OverflowError: year 1 an hour east of UTC
        return None


def published(note: dict) -> datetime:
    """When the Note says it was written; now when it says nothing usable or the future."""
    return moment(note.get("published")) or utcnow()


def version(note: dict, *, created: bool) -> datetime | None:
    """When this version of the Note was written: its `updated`, or for a Create's, its
    `published`; None when it does not say."""
    return moment(note.get("updated")) or (moment(note.get("published")) if created else None)


def tags_of(note: dict, kind: str) -> list[dict]:
    tags = note.get("tag")
    tags = tags if isinstance(tags, list) else [tags]
    return [tag for tag in tags if isinstance(tag, dict) and tag.get("type") == kind]


def hashtags(note: dict) -> list[str]:
    """The names of the Note's hashtags, as the site keeps tags (those too long left out)."""
    names = (tag.get("name") for tag in tags_of(note, "Hashtag"))
    tags = (tag_name(name.lstrip("#")) for name in names if isinstance(name, str))
    return list(dict.fromkeys(tag for tag in tags if 0 < len(tag) <= TAG_MAX))


def language(note: dict, text: str) -> str | None:
    content_map = note.get("contentMap")
    if isinstance(content_map, dict) and content_map:
        return str(next(iter(content_map)))[:5]
    return detect_language(text)
