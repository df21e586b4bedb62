"""A feed written as Atom (RFC 4287) or JSON Feed 1.1, with the headers that let readers and
caches fetch it again only when it changed."""

import json

from flask import Response, render_template, request

from app.feeds.documents import Entry, Feed, Person

ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# Feed readers poll; five minutes old is fresh enough for a microblog.
MAX_AGE = 300


def atom(feed: Feed) -> str:
    """The feed as an Atom document (an autoescaped template: every text is escaped)."""
    return render_template("feeds/feed.atom.xml", feed=feed)


def _person(person: Person) -> dict:
    return {"name": person.name, "url": person.url}


def _item(entry: Entry) -> dict:
    item = {
        "id": entry.url,
        "url": entry.url,
        "content_html": entry.content_html,
        "content_text": entry.content_text,
        "date_published": entry.published_iso,
        "date_modified": entry.updated_iso,
        "authors": [_person(entry.author)],
    }
    if entry.language:
        item["language"] = entry.language
    return item


def json_feed(feed: Feed) -> str:
    """The feed as a JSON Feed 1.1 document."""
    document: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.page_url,
        "feed_url": feed.json_url,
        "language": feed.language,
    }
    if feed.author:
        document["authors"] = [_person(feed.author)]
    document["items"] = [_item(entry) for entry in feed.entries]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def feed_response(feed: Feed, kind: str) -> Response:
    """The feed in the `kind` asked for ("atom" or "json"): 304 when the reader's copy (by its
    ETag or its date) is still the feed's."""
    if kind == "atom":
        response = Response(atom(feed), content_type=ATOM_TYPE)
    else:
        response = Response(json_feed(feed), content_type=JSON_FEED_TYPE)
    response.add_etag()
    # A reader sending only If-Modified-Since misses a deleted post until a newer one comes;
    # readers send the ETag as well, which any change alters.
    response.last_modified = feed.updated
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    # The title is in the reader's language: their cookie, else Accept-Language.
    response.vary.update(("Accept-Language", "Cookie"))
    response.make_conditional(request)
    return response
