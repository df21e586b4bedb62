"""What makes a valid Atom document (RFC 4287) and JSON Feed (1.1), checked by the tests.

No Atom validator is packaged for Python (the W3C Feed Validator is not on PyPI): lxml
validates against the RFC's own RELAX NG grammar (atom.rnc, converted by rnc2rng), feedparser
reads the feed as readers do, and atom_problems() adds the RFC's rules the grammar leaves to
Schematron and prose (an author for every entry, absolute ids, RFC 3339 dates, unique ids).
The JSON Feed schema is written from the 1.1 spec (https://jsonfeed.org/version/1.1): no
package ships one.
"""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema_rs
import rnc2rng
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_schema() -> etree.RelaxNG:
    with (Path(__file__).parent / "atom.rnc").open() as grammar:
        rng = rnc2rng.dumps(rnc2rng.load(grammar))
    # The grammar's `local` prefix names the empty namespace, which XML 1.0 cannot declare;
    # the converted grammar says it as ns="" where it uses it.
    return etree.RelaxNG(etree.fromstring(rng.replace('xmlns:local=""', "").encode()))


ATOM_SCHEMA = atom_schema()
# RFC 3339 date-time, as RFC 4287 §3.3 requires: an upper-case T and Z, seconds present.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)\Z")


def absolute(iri: str | None) -> bool:
    parts = urlsplit(iri or "")
    return bool(parts.scheme and parts.netloc)


def _date_problems(element, where: str, name: str) -> list[str]:
    found = element.findall(f"{ATOM}{name}")
    if len(found) != 1:
        return [f"{where} has {len(found)} atom:{name} (exactly one)"]
    if not RFC3339.match(found[0].text or ""):
        return [f"{where} atom:{name} {found[0].text!r} is not an RFC 3339 date-time"]
    return []


def _person_problems(element, where: str) -> list[str]:
    problems = []
    for author in element.findall(f"{ATOM}author"):
        names = author.findall(f"{ATOM}name")
        if len(names) != 1 or not (names[0].text or "").strip():
            problems.append(f"{where} has an atom:author without exactly one atom:name")
        for uri in author.findall(f"{ATOM}uri"):
            if not absolute(uri.text):
                problems.append(f"{where} author uri {uri.text!r} is not absolute")
    return problems


def _common_problems(element, where: str) -> list[str]:
    problems = []
    for name in ("id", "title"):
        found = element.findall(f"{ATOM}{name}")
        if len(found) != 1:
            problems.append(f"{where} has {len(found)} atom:{name} (exactly one)")
    ids = element.findall(f"{ATOM}id")
    if ids and not absolute(ids[0].text):
        problems.append(f"{where} atom:id {ids[0].text!r} is not an absolute IRI")
    problems += _date_problems(element, where, "updated")
    problems += _person_problems(element, where)
    for title in element.findall(f"{ATOM}title"):
        if title.get("type", "text") not in {"text", "html", "xhtml"}:
            problems.append(f"{where} title type {title.get('type')!r}")
    for link in element.findall(f"{ATOM}link"):
        if not link.get("href"):
            problems.append(f"{where} has an atom:link without href")
    alternates = [
        (link.get("type"), link.get("hreflang"))
        for link in element.findall(f"{ATOM}link")
        if link.get("rel", "alternate") == "alternate"
    ]
    if len(alternates) != len(set(alternates)):
        problems.append(f"{where} has two alternate links of one type and hreflang")
    return problems


def atom_problems(document: bytes) -> list[str]:
    """What in `document` breaks RFC 4287 (the parts of it these feeds use): [] when valid."""
    root = ET.fromstring(document)  # raises on anything not well-formed XML
    if root.tag != f"{ATOM}feed":
        return [f"the root is {root.tag}, not atom:feed"]
    problems = []
    if not ATOM_SCHEMA.validate(etree.fromstring(document)):
        problems += [f"RELAX NG: {error.message}" for error in ATOM_SCHEMA.error_log]
    problems += _common_problems(root, "the feed")
    if not any(link.get("rel") == "self" for link in root.findall(f"{ATOM}link")):
        problems.append("the feed has no rel=self link (RFC 4287 §4.2.7.2: SHOULD)")
    feed_has_author = bool(root.findall(f"{ATOM}author"))
    ids = []
    for n, entry in enumerate(root.findall(f"{ATOM}entry")):
        where = f"entry {n}"
        problems += _common_problems(entry, where)
        if not feed_has_author and not entry.findall(f"{ATOM}author"):
            problems.append(f"{where} has no author, nor has the feed (§4.1.2)")
        if entry.findall(f"{ATOM}published"):
            problems += _date_problems(entry, where, "published")
        contents = entry.findall(f"{ATOM}content")
        if len(contents) > 1:
            problems.append(f"{where} has {len(contents)} atom:content")
        if not contents and not any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{ATOM}link")
        ):
            problems.append(f"{where} has neither content nor an alternate link (§4.1.2)")
        ids.append(entry.findtext(f"{ATOM}id"))
    if len(ids) != len(set(ids)):
        problems.append("two entries share an id")
    return problems


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


AUTHOR = {
    "type": "object",
    "minProperties": 1,
    "properties": {
        "name": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "avatar": {"type": "string", "format": "uri"},
    },
}

# JSON Feed 1.1's required fields and the types of the optional ones this site writes.
JSON_FEED_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "description": {"type": "string"},
        "language": {"type": "string"},
        "authors": {"type": "array", "items": AUTHOR},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "authors": {"type": "array", "items": AUTHOR},
                    "language": {"type": "string"},
                },
            },
        },
    },
}

JSON_FEED = jsonschema_rs.validator_for(JSON_FEED_SCHEMA, validate_formats=True)


def json_feed_problems(document) -> list[str]:
    return [error.message for error in JSON_FEED.iter_errors(document)]
