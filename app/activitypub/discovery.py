"""How other servers find our users and learn what this server is: WebFinger (RFC 7033) as
Mastodon asks it, host-meta (RFC 6415) pointing at it, and NodeInfo 2.1."""

import tomllib
from datetime import timedelta
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select

from app.activitypub.documents import actor_id, domain, profile_url, site_url
from app.database import READS_ONLY
from app.extensions import db
from app.models import Post, User
from app.models.moderation import LISTED
from app.models.types import utcnow

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"
NODEINFO_TYPE = f'application/json; profile="{NODEINFO_SCHEMA}#"'
JRD_TYPE = "application/jrd+json; charset=utf-8"
XRD_TYPE = "application/xrd+xml; charset=utf-8"
SOFTWARE = "microblog"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
HOST_META = """<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="{template}"/>
</XRD>
"""


class BadResource(ValueError):
    """A WebFinger resource that names nothing a server could look up."""


def requested_username(resource: str) -> str | None:
    """The local username a WebFinger resource asks for: `acct:name@domain` (or without the
    `acct:`), or the URL of a user's actor or page here. None: another server's account.
    BadResource for anything else."""
    resource = resource.strip()
    if resource.startswith(("https://", "http://")):
        parts, ours = urlsplit(resource), urlsplit(site_url())
        if parts.netloc.lower() != ours.netloc.lower():
            return None
        path = unquote(parts.path).removeprefix(ours.path.rstrip("/"))
        for prefix in ("/users/", "/user/", "/@"):
            name = path.removeprefix(prefix)
            if path.startswith(prefix) and name and "/" not in name:
                return name
        return None
    name, at, host = resource.removeprefix("acct:").lstrip("@").rpartition("@")
    if not at or not name or not host or "@" in name or any(c.isspace() for c in resource):
        raise BadResource(resource)
    return name if host.lower() == domain().lower() else None


def webfinger(user: User) -> dict:
    """The JRD describing a local user: their actor, for servers; their page, for people."""
    page = profile_url(user)
    actor = actor_id(user)
    return {
        "subject": f"acct:{user.username}@{domain()}",
        "aliases": [actor, page],
        "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page},
            {"rel": "self", "type": "application/activity+json", "href": actor},
        ],
    }


def host_meta() -> str:
    """The XRD pointing older clients at WebFinger."""
    template = f"{site_url()}.well-known/webfinger?resource={{uri}}"
    return HOST_META.format(template=template.replace("&", "&amp;"))


def nodeinfo_links(nodeinfo_url: str) -> dict:
    return {"links": [{"rel": NODEINFO_SCHEMA, "href": nodeinfo_url}]}


@cache
def software_version() -> str:
    """The version pyproject.toml gives (the app runs from its checkout, not installed)."""
    try:
        with PYPROJECT.open("rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def nodeinfo() -> dict:
    """NodeInfo 2.1: the software, its protocol, and how many local users and posts."""
    local = (User.email.is_not(None), User.suspended_at.is_(None))
    now = utcnow()

    def active_since(days: int):
        return select(func.count()).where(*local, User.last_seen >= now - timedelta(days=days))

    counts = select(
        select(func.count()).where(*local).scalar_subquery(),
        active_since(30).scalar_subquery(),
        active_since(180).scalar_subquery(),
        select(func.count())
        .select_from(Post)
        .join(User, User.id == Post.user_id)
        .where(Post.hidden == LISTED, User.email.is_not(None))
        .scalar_subquery(),
    )
    total, month, halfyear, posts = db.session.execute(counts, execution_options=READS_ONLY).one()
    return {
        "version": "2.1",
        "software": {
            "name": SOFTWARE,
            "version": software_version(),
            "homepage": site_url(),
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0"]},
        "openRegistrations": True,
        "usage": {
            "users": {"total": total, "activeMonth": month, "activeHalfyear": halfyear},
            "localPosts": posts,
        },
        "metadata": {},
    }
