"""`flask seed --hidden N --mutes N`: moderation in the benchmark's data, and the fast home
page equal to the plain one over it."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Block, Post, User
from app.post_pages import PostPages
from app.speedups.pages import FastPostPages
from tests.paging import every_row
from tests.test_seed import PASSWORD


def test_seeded_hidden_posts_and_mutes(app_on_each_database):
    app = app_on_each_database
    args = ["seed", "--users=12", "--posts=300", "--follows=5", "--hidden=40", "--mutes=2"]
    result = app.test_cli_runner().invoke(args=[*args, f"--password={PASSWORD}", "--seed=3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Post.hidden == 1)) == 40
        assert db.session.scalar(select(func.count()).select_from(Block)) == 24
        for user in db.session.scalars(select(User)):
            assert user.block_total == 2
            for per_page in (3, 10):
                pages = [
                    every_row(lambda n, p=pages, s=per_page, u=user: p.timeline_page(u, n, s))
                    for pages in (PostPages(), FastPostPages())
                ]
                assert [r.id for r in pages[0]] == [r.id for r in pages[1]], user.username
