"""Full-text search with what each database has built in (no search server), under the
book's SearchableMixin names: Post.search(expression, page, per_page) and Post.reindex().

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
served by a pg_trgm GIN index on body; that index needs the pg_trgm extension. The search
page looks among the newest posts first, then through those indexes (app/speedups/search.py).

MariaDB: a LIKE scan per term (its FULLTEXT indexes have no n-gram parser, so they
cannot search Chinese). Fine for a small site; a large one should use PostgreSQL.
"""

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    ScalarResult,
    Select,
    String,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Mapped, QueryableAttribute

from app.extensions import db

# What migration 0004 builds outside the models (app/search/schema.py hides it from autogenerate).
SQLITE_TABLE = "post_fts"
POSTGRESQL_INDEXES = frozenset({"ix_post_body_tsvector", "ix_post_body_trigram"})
TRIGRAM = 3
# A column, as a model's attribute or a subquery's.
SQLColumn = ColumnElement[Any] | QueryableAttribute[Any]
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


def like(body: SQLColumn, term: str) -> ColumnElement[bool]:
    return body.like(contains_pattern(term), escape=LIKE_ESCAPE)


def sqlite_conditions(
    terms: list[str], body: SQLColumn, id_: SQLColumn
) -> Iterator[ColumnElement[bool]]:
    indexed = [term for term in terms if len(term) >= TRIGRAM]
    if not indexed or not sqlite_index_exists():
        yield from (like(body, term) for term in terms)
        return
    # Terms side by side in MATCH must all be present.
    match = " ".join(fts5_string(term) for term in indexed)
    matching = text(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :match")
    yield id_.in_(matching.bindparams(match=match).columns(literal_column("rowid")))
    yield from (like(body, term) for term in terms if len(term) < TRIGRAM)


def postgresql_conditions(terms: list[str], body: SQLColumn) -> Iterator[ColumnElement[bool]]:
    # The same expression as the index ix_post_body_tsvector, so the planner can use it.
    simple = literal_column("'simple'", String)
    document = func.to_tsvector(simple, body)
    for term in terms:
        if term.isascii() and term.isalnum():
            yield document.op("@@")(func.plainto_tsquery(simple, term))
        else:
            yield body.ilike(contains_pattern(term), escape=LIKE_ESCAPE)


def like_conditions(terms: list[str], body: SQLColumn) -> Iterator[ColumnElement[bool]]:
    # MariaDB's default collations ignore case, so LIKE does what ILIKE does elsewhere.
    yield from (like(body, term) for term in terms)


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
        return "Rebuilt the SQLite FTS5 search index."
    if name == "postgresql":
        # Plain indexes that PostgreSQL maintains itself; REINDEX only repairs or compacts them.
        for index in sorted(POSTGRESQL_INDEXES):
            db.session.execute(text(f"REINDEX INDEX {index}"))
        return "Reindexed the PostgreSQL search indexes."
    return f"Nothing to rebuild: {name} searches with LIKE, without an index."


class SearchableMixin:
    """The book's search API on a model with a `body` column and `newest_first()`."""

    if TYPE_CHECKING:  # what the mixin uses of the model
        id: Mapped[int]
        body: Mapped[str]

        @staticmethod
        def newest_first(*conditions: ColumnElement[bool]) -> Select: ...

    @classmethod
    def matching(cls, expression: str) -> Select:
        """The rows that contain every term of the expression, newest first."""
        terms = search_terms(expression)
        dialect = dialect_name()
        if dialect == "sqlite":
            conditions = sqlite_conditions(terms, cls.body, cls.id)
        elif dialect == "postgresql":
            conditions = postgresql_conditions(terms, cls.body)
        else:
            conditions = like_conditions(terms, cls.body)
        return cls.newest_first(*conditions)

    @classmethod
    def search(cls, expression: str, page: int, per_page: int) -> tuple[ScalarResult[Any], int]:
        """Page `page` (from 1) of the matches, and how many there are in all."""
        query = cls.matching(expression)
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = query.limit(per_page).offset((max(page, 1) - 1) * per_page)
        return db.session.scalars(rows), total

    @classmethod
    def reindex(cls) -> str:
        """Rebuild the search index from the rows (the caller commits); say what was done."""
        return rebuild_index()
