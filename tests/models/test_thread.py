"""Replies, threads, edits and deletes in the models, on every database (migrated, so the
foreign keys, SQLite's search triggers and PostgreSQL's indexes are production's)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.account.deletion import delete_account
from app.extensions import db
from app.models import Post, PostEdit, User, followers
from app.models.thread import reading_order

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def people(app_on_each_database):
    """Users a, b and c (c follows a), inside an app context."""
    with app_on_each_database.app_context():
        users = [User(username=name, email=f"{name}@example.com") for name in "abc"]
        db.session.add_all(users)
        db.session.flush()
        users[2].follow(users[0])
        db.session.commit()
        yield users


def write(author, body, parent=None, minute=0) -> Post:
    post = Post.write(author, body, in_reply_to=parent, timestamp=T0 + timedelta(minutes=minute))
    db.session.flush()
    return post


def test_reading_order_is_depth_first_siblings_oldest_first():
    rows = [(2, 1, T0), (3, 1, T0 - timedelta(1)), (4, 2, T0), (5, 4, T0), (6, 2, T0)]
    assert reading_order(1, rows) == [(3, 1), (2, 1), (4, 2), (5, 3), (6, 2)]
    assert reading_order(9, rows) == []


def test_thread_ancestors_and_replies(people):
    a, b, c = people
    root = write(a, "root")
    first = write(b, "first", root, minute=1)
    later = write(c, "later", root, minute=5)
    deep = write(a, "deep", first, minute=2)
    deeper = write(b, "deeper", deep, minute=3)
    # Written after "later" but dated before it: siblings go by time, then id.
    early = write(c, "early", root, minute=0)
    db.session.commit()
    assert root.ancestor_ids() == []
    assert deeper.ancestor_ids() == [root.id, first.id, deep.id]
    assert root.reply_tree() == [
        (early.id, 1),
        (first.id, 1),
        (deep.id, 2),
        (deeper.id, 3),
        (later.id, 1),
    ]
    assert deep.reply_tree() == [(deeper.id, 1)]
    assert (deeper.in_reply_to_username, root.in_reply_to_username) == ("a", None)
    assert deeper.is_reply and not root.is_reply


def test_a_reply_joins_its_parents_conversation_however_it_is_made(people):
    """conversation_id, which the thread page's speed-up reads each tree by, is set at
    insert for Post.write, for a reply made with the relationship (federation's way) and for
    one given only the parent's id; a post answering none has none."""
    a, b, _ = people
    root = write(a, "root")
    by_write = write(b, "written", root)
    by_relationship = Post(body="related", author=a, in_reply_to=by_write, is_reply=True)
    db.session.add(by_relationship)
    db.session.flush()
    by_id = Post(body="by id", user_id=b.id, in_reply_to_id=by_relationship.id, is_reply=True)
    # Parent and reply in one flush: the parent's row is written first.
    new_top = Post(body="new top", author=a)
    same_flush = Post(body="same flush", author=b, in_reply_to=new_top, is_reply=True)
    db.session.add_all([by_id, new_top, same_flush])
    db.session.commit()
    assert root.conversation_id is None and new_top.conversation_id is None
    assert {by_write.conversation_id, by_relationship.conversation_id, by_id.conversation_id} == {
        root.id
    }
    assert same_flush.conversation_id == new_top.id


def test_delete_keeps_replies_answering_a_deleted_post(people):
    a, b, _ = people
    root = write(a, "root")
    reply = write(b, "reply", root, minute=1)
    answer = write(a, "answer", reply, minute=2)
    reply.edit("changed reply")
    db.session.commit()
    reply_id = reply.id
    reply.delete()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Post, reply_id) is None
    assert (answer.in_reply_to_id, answer.is_reply) == (None, True)
    assert answer.ancestor_ids() == [] and root.reply_tree() == []
    assert db.session.scalars(select(PostEdit)).all() == []  # its earlier texts went with it


def test_deleting_an_account_leaves_others_replies_answering_a_deleted_post(people):
    a, b, _ = people
    root = write(a, "root")
    reply = write(b, "reply", root, minute=1)
    db.session.commit()
    delete_account(a, reserve_days=1)
    db.session.commit()
    db.session.expire_all()
    assert (reply.in_reply_to_id, reply.is_reply) == (None, True)


def test_edit_keeps_earlier_texts_and_the_search_index_follows(people):
    a, _, _ = people
    post = write(a, "original zucchini")
    db.session.commit()
    assert post.edit("  original zucchini ") is False  # the same text: nothing recorded
    assert post.edited_at is None
    assert post.edit("second pumpkin") is True
    db.session.commit()
    assert post.edit("third squash text") is True
    db.session.commit()
    assert post.body == "third squash text" and post.edited_at is not None
    assert [edit.body for edit in post.earlier_texts()] == ["second pumpkin", "original zucchini"]
    assert db.session.scalars(Post.matching("zucchini")).all() == []
    assert db.session.scalars(Post.matching("squash")).all() == [post]


def test_delete_updates_the_search_index_and_newest_post_times(people):
    a, _, c = people
    older = write(a, "older melon", minute=0)
    newest = write(a, "newest melon", minute=10)
    db.session.commit()
    newest_time = db.session.scalar(select(followers.c.followed_last_post_at))
    assert newest_time == newest.timestamp
    newest.delete()
    db.session.commit()
    assert db.session.scalars(Post.matching("melon")).all() == [older]
    # Never newer than the author's newest post: unknown (NULL) again, or the older post's.
    recorded = db.session.scalar(select(followers.c.followed_last_post_at))
    assert recorded is None or recorded == older.timestamp
    assert [p.id for p in db.session.scalars(c.following_posts())] == [older.id]
