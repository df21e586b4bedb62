"""Likes and boosts (app/models/reactions.py): the verbs are idempotent, keep each post's
counts right (on every database: each says in its own way whether a row went in), and the
rows go with their user or post."""

from app.extensions import db
from app.models import Post, User
from app.models.account_deletion import delete_account
from app.models.reactions import Boost, Like, likers


def people_and_a_post(app):
    names = ("susan", "john", "mary")
    users = [User(username=name, email=f"{name}@example.com") for name in names]
    db.session.add_all(users)
    post = Post(body="hello", author=users[0])
    db.session.add(post)
    db.session.commit()
    return users, post


def test_like_and_unlike_keep_the_count(app_on_each_database):
    with app_on_each_database.app_context():
        (susan, john, mary), post = people_and_a_post(app_on_each_database)
        assert post.like_count == 0
        assert john.like(post) is True
        assert john.like(post) is False  # a second like changes nothing
        assert mary.like(post) is True
        db.session.commit()
        assert post.like_count == 2
        assert john.has_liked(post) and not susan.has_liked(post)
        assert [like.user.username for like in db.session.scalars(likers(post))] == [
            "mary",
            "john",
        ]
        assert john.unlike(post) is True
        assert john.unlike(post) is False
        db.session.commit()
        assert post.like_count == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Like)) == 1


def test_boost_and_unboost_keep_the_count(app_on_each_database):
    with app_on_each_database.app_context():
        (susan, john, _), post = people_and_a_post(app_on_each_database)
        assert john.boost(post) and not john.boost(post)
        assert susan.boost(post)  # one's own post may be boosted, as on Mastodon
        db.session.commit()
        assert post.boost_count == 2
        assert john.reactions_to([post.id]) == (set(), {post.id})
        assert john.unboost(post) and not john.unboost(post)
        db.session.commit()
        assert post.boost_count == 1


def test_the_reactions_of_a_deleted_account_leave_the_counts(app):
    with app.app_context():
        (susan, john, _), post = people_and_a_post(app)
        john.like(post)
        john.boost(post)
        susan.like(post)
        db.session.commit()
        delete_account(john, reserve_days=1)
        db.session.commit()
        post = db.session.get(Post, post.id)
        assert (post.like_count, post.boost_count) == (1, 0)
        assert db.session.scalar(db.select(db.func.count()).select_from(Boost)) == 0


def test_a_deleted_post_takes_its_reactions(app):
    with app.app_context():
        (_, john, _), post = people_and_a_post(app)
        john.like(post)
        john.boost(post)
        db.session.commit()
        db.session.delete(post)
        db.session.commit()
        for model in (Like, Boost):
            assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0
