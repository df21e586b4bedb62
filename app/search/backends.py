"""Full-text search over posts with what each database has built in: no search server.

A query is split on whitespace into terms; a post matches when it contains every term,
ignoring case. Results come newest first (not best match first): a microblog is read by
time, the order is the same on every database, and it pages the way timelines do.
Every term is passed to the database as a bound parameter (and, for FTS5, quoted as a
string), so quotes, `*`, `NEAR`, `AND` and the like are searched for literally.

SQLite: the FTS5 table post_fts (migration 0004) uses the trigram tokenizer, which finds
any substring of 3 or more characters, in any script: Chinese, written without spaces
between words, is searchable without a word segmenter. A trigram index cannot find
shorter strings, and two-character Chinese words (你好) are common, so terms of 1 or 2
characters are a LIKE over post.body instead; with a longer term in the same query, the
index narrows the rows first. On a SQLite older than 3.34 (no trigram tokenizer), or a
database built without migrations, every term is a LIKE.

PostgreSQL: ASCII words match whole words through a GIN index on
to_tsvector('simple', body) ('simple': no stemming, as posts come in many languages).
Other terms (Chinese, words with punctuation or accents) are an ILIKE substring match,
served by a pg_trgm GIN index on body; that index needs the pg_trgm extension. A page is
looked for among the newest posts first, then through those indexes (search_page).

MariaDB: a LIKE scan per term (its FULLTEXT indexes have no n-gram parser, so they
cannot search Chinese). Fine for a small site; a large one should use PostgreSQL.
"""

import sqlite3
from collections.abc import Iterator

from sqlalchemy import CTE, ColumnElement, Select, Subquery, literal_column, select, text

from app.extensions import db
from app.models import Post
from app.models.listing import listing, listing_of_newest_keys
from app.pagination import Page, fetch_page, rows_to_read
from app.search.schema import POSTGRESQL_INDEXES, SQLITE_TABLE

TRIGRAM = 3
LIKE_ESCAPE = "/"


def search_terms(query: str) -> list[str]:
    """The query's whitespace-separated terms, each once, in order."""
    return list(dict.fromkeys(query.split()))


def contains_pattern(term: str) -> str:
    """A LIKE pattern for `term` anywhere, with LIKE's own wildcards taken literally."""
    for character in (LIKE_ESCAPE, "%", "_"):
        term = term.replace(character, LIKE_ESCAPE + character)
    return f"%{term}%"


def fts5_string(term: str) -> str:
    """The term as an FTS5 string: no operator or column filter inside it is obeyed."""
    return '"' + term.replace('"', '""') + '"'


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def sqlite_index_exists() -> bool:
    found = db.session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": SQLITE_TABLE},
    )
    return found.first() is not None


def like(term: str) -> ColumnElement[bool]:
    return Post.body.like(contains_pattern(term), escape=LIKE_ESCAPE)


def sqlite_conditions(terms: list[str]) -> Iterator[ColumnElement[bool]]:
    indexed = [term for term in terms if len(term) >= TRIGRAM]
    if not indexed or not sqlite_index_exists():
        yield from (like(term) for term in terms)
        return
    # Terms side by side in MATCH must all be present.
    match = " ".join(fts5_string(term) for term in indexed)
    matching = text(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :match")
    yield Post.id.in_(matching.bindparams(match=match).columns(literal_column("rowid")))
    yield from (like(term) for term in terms if len(term) < TRIGRAM)


def postgresql_conditions(
    terms: list[str], body: ColumnElement[str] = Post.body
) -> Iterator[ColumnElement[bool]]:
    # On post.body, the same expression as the index ix_post_body_tsvector, so the planner
    # can use it.
    simple = literal_column("'simple'")
    document = db.func.to_tsvector(simple, body)
    for term in terms:
        if term.isascii() and term.isalnum():
            yield document.op("@@")(db.func.plainto_tsquery(simple, term))
        else:
            yield body.ilike(contains_pattern(term), escape=LIKE_ESCAPE)


def like_conditions(terms: list[str]) -> Iterator[ColumnElement[bool]]:
    # MariaDB's default collations ignore case, so LIKE does what ILIKE does elsewhere.
    yield from (like(term) for term in terms)


def posts_matching(query: str) -> Select:
    """Posts that contain every term of the query, newest first."""
    terms = search_terms(query)
    conditions = {"sqlite": sqlite_conditions, "postgresql": postgresql_conditions}
    return Post.newest_first().where(*conditions.get(dialect_name(), like_conditions)(terms))


# PostgreSQL guesses that a word it has no statistics for is in 0.5% of the posts, so to
# find the newest page of its matches it reads posts newest first until it has enough: for
# a word that no post holds, every post (3.3 s at 500,000 posts). So a search first looks
# among this many newest posts, which fills the first pages of any common word; when they
# hold too few matches, the search index finds every match and those are sorted.
NEWEST_POSTS_FIRST = 1000


def search_page(query: str, number: int, per_page: int) -> Page:
    """Page `number` of the posts that contain every term of the query, newest first, each
    with its author (a listing's rows, app.models.listing)."""
    dialect = dialect_name()
    if dialect != "postgresql":
        return fetch_page(listing(posts_matching(query), dialect), number, per_page)
    terms = search_terms(query)
    if rows_to_read(number, per_page) <= NEWEST_POSTS_FIRST:
        recent = listing_of_newest_keys(_matches_among_newest(terms), dialect)
        page = fetch_page(recent, number, per_page)
        # The newest posts come first in the order, so when their matches reach past the
        # page (a next row), the page is the same as among all posts.
        if page.has_next:
            return page
    return fetch_page(listing_of_newest_keys(_every_match(terms), dialect), number, per_page)


def _matches_among_newest(terms: list[str]) -> Subquery:
    newest = (
        select(Post.id, Post.timestamp, Post.body)
        .order_by(Post.timestamp.desc(), Post.id.desc())
        .limit(NEWEST_POSTS_FIRST)
        .subquery("newest")
    )
    conditions = postgresql_conditions(terms, newest.c.body)
    return select(newest.c.id, newest.c.timestamp).where(*conditions).subquery("matches")


def _every_match(terms: list[str]) -> CTE:
    # MATERIALIZED: planned on its own, without the page's order, the matches come from the
    # search index.
    matches = select(Post.id, Post.timestamp).where(*postgresql_conditions(terms))
    return matches.cte("matches").prefix_with("MATERIALIZED")


def rebuild_index() -> str:
    """Build the search index again from the posts; say what was done."""
    name = dialect_name()
    if name == "sqlite":
        if not sqlite_index_exists():
            return (
                f"No search index: SQLite {sqlite3.sqlite_version} without migration 0004's "
                "FTS5 table searches with LIKE."
            )
        db.session.execute(text(f"INSERT INTO {SQLITE_TABLE} ({SQLITE_TABLE}) VALUES ('rebuild')"))
        db.session.commit()
        return "Rebuilt the SQLite FTS5 search index."
    if name == "postgresql":
        # Plain indexes that PostgreSQL maintains itself; REINDEX only repairs or compacts them.
        for index in sorted(POSTGRESQL_INDEXES):
            db.session.execute(text(f"REINDEX INDEX {index}"))
        db.session.commit()
        return "Reindexed the PostgreSQL search indexes."
    return f"Nothing to rebuild: {name} searches with LIKE, without an index."
