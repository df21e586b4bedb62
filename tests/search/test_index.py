"""The search index follows the posts inside their transactions; migration 0004 fills it;
`flask search reindex` rebuilds it; a database without it still searches."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Post, User
from app.speedups import search as backends
from app.speedups.search import search_page
from tests.conftest import TEST_CONFIG, add_user
from tests.migrations.test_migrations import sample_row
from tests.paging import every_row
from tests.plans import analyzed, explain, plan_nodes, statements


def bodies(query: str) -> list[str]:
    return [post.body for post in db.session.scalars(Post.matching(query))]


def test_a_new_post_is_found_before_its_transaction_commits(app, susan):
    with app.app_context():
        db.session.add(Post(body="fresh tangerine 橘子汁", user_id=susan.id))
        db.session.flush()
        assert bodies("tangerine") == ["fresh tangerine 橘子汁"]
        assert bodies("橘子") == ["fresh tangerine 橘子汁"]
        db.session.commit()
        assert bodies("橘子汁") == ["fresh tangerine 橘子汁"]


def test_a_rolled_back_post_is_not_indexed(app, susan):
    with app.app_context():
        db.session.add(Post(body="phantom words", user_id=susan.id))
        db.session.flush()
        db.session.rollback()
        assert bodies("phantom") == []
        # The index holds nothing stale that a later post with the same id could inherit.
        db.session.add(Post(body="solid words", user_id=susan.id))
        db.session.commit()
        assert bodies("phantom") == []
        assert bodies("solid") == ["solid words"]


def test_an_edited_post_is_found_by_its_new_words_only(app, write_posts):
    (post_id,) = write_posts("original apricot 苹果派")
    with app.app_context():
        db.session.get(Post, post_id).body = "revised mango 香蕉船"
        db.session.commit()
        assert bodies("apricot") == []
        assert bodies("苹果派") == []
        assert bodies("苹果") == []
        assert bodies("mango") == ["revised mango 香蕉船"]
        assert bodies("香蕉船") == ["revised mango 香蕉船"]


def test_a_deleted_post_is_gone_from_the_index(app, write_posts):
    kept, deleted = write_posts("keep this walnut", "delete this walnut")
    with app.app_context():
        db.session.delete(db.session.get(Post, deleted))
        db.session.commit()
        assert bodies("walnut") == ["keep this walnut"]


def test_deleting_the_author_removes_their_posts_from_the_index(app, write_posts, make_user):
    write_posts("authored pistachio")
    other = make_user("other")
    with app.app_context():
        db.session.add(Post(body="other pistachio", user_id=other.id))
        db.session.commit()
        db.session.execute(sa.delete(User).where(User.username == "susan"))
        db.session.commit()
        assert bodies("pistachio") == ["other pistachio"]


@pytest.fixture
def database_at_0003(database_url, monkeypatch):
    """An app on a database migrated to just before the search index, with a post in it."""
    from tests.databases import ROOT

    monkeypatch.chdir(ROOT)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="0003")
        with db.engine.begin() as connection:
            metadata = sa.MetaData()
            user = sa.Table("user", metadata, autoload_with=connection)
            post = sa.Table("post", metadata, autoload_with=connection)
            user_id = connection.execute(
                user.insert().values(sample_row(user, 1, {}))
            ).inserted_primary_key[0]
            connection.execute(
                post.insert().values(
                    body="written before search 很久以前",
                    user_id=user_id,
                    timestamp=dt.datetime(2024, 5, 6, 7, 8, 9),
                )
            )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_migration_indexes_existing_posts(database_at_0003):
    with database_at_0003.app_context():
        flask_migrate.upgrade()
        assert bodies("before search") == ["written before search 很久以前"]
        assert bodies("很久以前") == ["written before search 很久以前"]
        assert bodies("以前") == ["written before search 很久以前"]


def test_reindex_restores_an_emptied_index(app, runner, write_posts, backend):
    write_posts("indexed coconut 椰子汁")
    if backend == "sqlite":
        with app.app_context():
            db.session.execute(sa.text("INSERT INTO post_fts (post_fts) VALUES ('delete-all')"))
            db.session.commit()
            assert bodies("coconut") == []
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    expected = {"sqlite": "Rebuilt", "postgresql": "Reindexed", "mysql": "Nothing to rebuild"}
    assert expected[backend] in result.output
    with app.app_context():
        assert bodies("coconut") == ["indexed coconut 椰子汁"]
        assert bodies("椰子汁") == ["indexed coconut 椰子汁"]


def test_reindex_refuses_an_old_schema(tmp_path, monkeypatch):
    from tests.databases import ROOT

    monkeypatch.chdir(ROOT)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="0003")
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 1
    assert "flask db upgrade" in result.output


def test_without_the_fts_table_search_falls_back_to_like(make_app):
    """A SQLite database made by create_all (as most tests do), or on SQLite < 3.34."""
    app = make_app()
    with app.app_context():
        author = User(username="plain", email="plain@example.com")
        db.session.add_all(
            [Post(body="no index needed", author=author), Post(body="另一个帖子", author=author)]
        )
        db.session.commit()
        assert bodies("index needed") == ["no index needed"]
        assert bodies("帖子") == ["另一个帖子"]


def query_plan(query: str) -> str:
    """The plan of the last statement a search sends: where it finds the matches."""
    return explain(lambda: search_page(query, 1, 3))


def test_searches_use_the_index(app, write_posts, backend):
    write_posts("indexed plan", "计划")
    with app.app_context():
        if backend == "sqlite":
            assert "VIRTUAL TABLE INDEX" in query_plan("indexed")
        elif backend == "postgresql":
            assert "ix_post_body_tsvector" in query_plan("indexed")
            assert "ix_post_body_trigram" in query_plan("计划表")
        else:
            pytest.skip("MariaDB searches with LIKE, without an index")


@pytest.fixture
def many_posts(app, susan):
    """Store posts by susan, a minute apart, oldest first, in one statement."""

    def write(bodies):
        with app.app_context():
            start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            rows = [
                {"body": body, "user_id": susan.id, "timestamp": start + dt.timedelta(minutes=n)}
                for n, body in enumerate(bodies)
            ]
            db.session.execute(sa.insert(Post), rows)
            db.session.commit()

    return write


def every_page(query: str, per_page: int) -> list[int]:
    return [row.id for row in every_row(lambda number: search_page(query, number, per_page))]


@pytest.mark.parametrize("newest_posts_first", [4, 1000])
def test_every_page_of_a_search_follows_the_newest_first_order(
    app, many_posts, monkeypatch, newest_posts_first
):
    """Whether the newest posts fill the page or the search index finds every match."""
    monkeypatch.setattr(backends, "NEWEST_POSTS_FIRST", newest_posts_first)
    many_posts(
        ["rare common 罕见"] * 2
        + [f"common {n} 常见" for n in range(20)]
        + ["other"] * 5
        + ["common again"] * 3
    )
    with app.app_context():
        for query in ("common", "rare", "罕见", "常见", "common rare", "absent", "COMMON 常见"):
            expected = [post.id for post in db.session.scalars(Post.matching(query))]
            for per_page in (1, 3, 7, 50):
                assert every_page(query, per_page) == expected, (query, per_page)


@pytest.mark.postgres
def test_postgresql_finds_a_word_no_post_holds_without_reading_every_post(postgresql_app):
    """PostgreSQL's guess for a word it has no statistics for made it read posts newest
    first until a page was full: for a word nobody wrote, every post."""
    susan = add_user(postgresql_app)
    with postgresql_app.app_context():
        db.session.execute(
            sa.text(
                "INSERT INTO post (body, timestamp, user_id) "
                "SELECT (ARRAY['flask', 'query', 'index', 'morning'])[n % 4 + 1] || ' post', "
                "timestamp '2026-01-01' + n * interval '1 minute', :author "
                "FROM generate_series(1, 20000) AS n"
            ),
            {"author": susan.id},
        )
        db.session.execute(sa.text("ANALYZE post"))
        sent = statements(lambda: search_page("zebra", 1, 2))
        read = 0
        for statement, parameters in sent:
            for node in plan_nodes(analyzed(statement, parameters)[0]["Plan"]):
                read += node.get("Rows Removed by Filter", 0)
        # At most the newest posts, looked at first; then the search index found no match.
        assert read <= backends.NEWEST_POSTS_FIRST, sent
        assert search_page("zebra", 1, 2).items == []
        newest = [post.id for post in db.session.scalars(Post.matching("morning").limit(2))]
        assert [row.id for row in search_page("morning", 1, 2).items] == newest
