"""Blocks, mutes and moderation on the models: the verbs keep block_total and the follows
right, a suspension hides posts and a lifted one lists them again, every action is logged."""

import pytest

from app.extensions import db
from app.models import Block, LoginSession, ModerationLog, Post, Report, User
from app.models.moderation import HIDDEN, LISTED, SUSPENDED, listed_conditions


@pytest.fixture
def people(app):
    with app.app_context():
        users = {name: User(username=name, email=f"{name}@example.com") for name in
                 ("susan", "john", "admin")}  # fmt: skip
        users["admin"].is_admin = True
        db.session.add_all(users.values())
        db.session.flush()
        yield users


def test_block_ends_follows_both_ways_and_counts(people):
    susan, john = people["susan"], people["john"]
    susan.follow(john)
    john.follow(susan)
    assert susan.block(john)
    db.session.flush()
    assert not susan.is_following(john) and not john.is_following(susan)
    assert susan.blocks(john) and john.is_blocked_by(susan) and not susan.is_blocked_by(john)
    assert john.either_blocks(susan) and susan.either_blocks(john)
    assert susan.block_total == 1
    assert not susan.block(john)  # already
    assert not susan.mute(john)  # a block already hides them
    assert susan.unblock(john) and susan.block_total == 0
    assert not susan.unblock(john) and susan.block_total == 0


def test_mute_then_block_is_one_row(people):
    susan, john = people["susan"], people["john"]
    assert susan.mute(john) and susan.mutes(john) and not susan.blocks(john)
    assert not john.is_blocked_by(susan)  # a mute is not a block
    assert susan.block(john) and susan.block_total == 1
    assert db.session.query(Block).count() == 1
    assert not susan.unmute(john)  # it is a block now
    assert not susan.block(susan) and not susan.mute(susan)


def test_suspension_hides_posts_and_lifting_it_lists_them(people):
    admin, john = people["admin"], people["john"]
    posts = [Post.write(john, f"post {n}") for n in range(3)]
    db.session.flush()
    assert admin.hide_post(posts[0], "spam")
    assert admin.suspend(john, "abuse")
    db.session.flush()
    for post in posts:
        db.session.refresh(post)
    assert [p.hidden for p in posts] == [HIDDEN, SUSPENDED, SUSPENDED]
    assert john.is_suspended and not admin.suspend(john)
    # Listed again while suspended, a post stays hidden with its author.
    assert admin.unhide_post(posts[0])
    assert posts[0].hidden == SUSPENDED
    assert admin.hide_post(posts[0])
    assert admin.unsuspend(john)
    db.session.flush()
    for post in posts:
        db.session.refresh(post)
    assert [p.hidden for p in posts] == [HIDDEN, LISTED, LISTED]
    actions = db.session.scalars(ModerationLog.newest_first()).all()
    assert [a.action for a in reversed(actions)] == [
        "hide_post", "suspend", "unhide_post", "hide_post", "unsuspend"
    ]  # fmt: skip
    assert actions[-1].reason == "spam" and actions[-1].moderator == "admin"
    assert actions[-1].target_user == "john" and actions[-1].target_post_id == posts[0].id
    assert not admin.suspend(admin)


def test_suspension_ends_sessions(people):
    admin, john = people["admin"], people["john"]
    LoginSession.start(john)
    db.session.flush()
    assert LoginSession.active(john)
    admin.suspend(john)
    db.session.flush()
    assert LoginSession.active(john) == []


def test_reports_and_dismissal(people):
    susan, john, admin = people["susan"], people["john"], people["admin"]
    post = Post.write(john, "buy now")
    db.session.flush()
    with pytest.raises(ValueError):
        Report.file(susan, john, post, "because", "")
    report = Report.file(susan, john, post, "spam", "  ads  ")
    db.session.flush()
    assert report.details == "ads"
    assert db.session.scalars(Report.open_reports()).all() == [report]
    assert admin.dismiss_report(report) and not admin.dismiss_report(report)
    assert db.session.scalars(Report.open_reports()).all() == []
    assert db.session.scalar(ModerationLog.newest_first()).action == "dismiss_report"


def test_listed_conditions(people):
    susan, john, admin = people["susan"], people["john"], people["admin"]
    visible, hidden = Post.write(john, "fine"), Post.write(john, "bad")
    mine = Post.write(susan, "my hidden one")
    db.session.flush()
    admin.hide_post(hidden)
    admin.hide_post(mine)
    db.session.flush()

    def listed(reader):
        query = Post.newest_first(*listed_conditions(reader))
        return {post.body for post in db.session.scalars(query)}

    assert listed(None) == {"fine"}
    assert listed(susan) == {"fine", "my hidden one"}  # her own, hidden, she still sees
    assert listed(admin) == {"fine", "bad", "my hidden one"}
    susan.mute(john)
    db.session.flush()
    assert listed(susan) == {"my hidden one"}
    assert visible.hidden == LISTED
