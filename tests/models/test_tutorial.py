"""The tutorial's model API, used the way the book's tests use it: create_app(TestConfig),
unittest, and the book's names on User and Post, backed by this app's code."""

import unittest
from datetime import UTC, datetime, timedelta

from app import create_app
from app.extensions import db
from app.models import Message, Post, User
from app.speedups.timeline import timeline
from config import Config


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "a-test-secret-key-of-at-least-32-characters"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_SERVER = None
    RATELIMIT_STORAGE_URI = "memory://"
    # The book's avatar test expects Gravatar's URL; this app draws identicons by default.
    AVATAR_PROVIDER = "gravatar"


class UserModelCase(unittest.TestCase):
    def setUp(self):
        self.app = create_app(TestConfig)
        self.app_context = self.app.app_context()
        self.app_context.push()
        db.create_all()

    def tearDown(self):
        db.session.remove()
        db.drop_all()
        self.app_context.pop()

    def add_users(self, *names):
        users = [User(username=name, email=f"{name}@example.com") for name in names]
        db.session.add_all(users)
        db.session.commit()
        return users

    def test_password_hashing(self):
        user = User(username="susan", email="susan@example.com")
        user.set_password("cat")
        self.assertFalse(user.check_password("dog"))
        self.assertTrue(user.check_password("cat"))

    def test_avatar(self):
        user = User(username="john", email="john@example.com")
        self.assertEqual(
            user.avatar(128),
            "https://www.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?d=identicon&s=128",
        )

    def test_follow(self):
        john, susan = self.add_users("john", "susan")
        self.assertEqual(db.session.scalars(john.following.select()).all(), [])
        self.assertEqual(db.session.scalars(susan.followers.select()).all(), [])

        john.follow(susan)
        db.session.commit()
        self.assertTrue(john.is_following(susan))
        self.assertEqual(john.following_count(), 1)
        self.assertEqual(susan.followers_count(), 1)
        self.assertEqual(db.session.scalars(john.following.select()).all()[0].username, "susan")
        self.assertEqual(db.session.scalars(susan.followers.select()).all()[0].username, "john")

        john.unfollow(susan)
        db.session.commit()
        self.assertFalse(john.is_following(susan))
        self.assertEqual(john.following_count(), 0)
        self.assertEqual(susan.followers_count(), 0)

    def test_follow_posts(self):
        john, susan, mary, david = self.add_users("john", "susan", "mary", "david")
        now = datetime.now(UTC)
        p1 = Post(body="post from john", author=john, timestamp=now + timedelta(seconds=1))
        p2 = Post(body="post from susan", author=susan, timestamp=now + timedelta(seconds=4))
        p3 = Post(body="post from mary", author=mary, timestamp=now + timedelta(seconds=3))
        p4 = Post(body="post from david", author=david, timestamp=now + timedelta(seconds=2))
        db.session.add_all([p1, p2, p3, p4])
        db.session.commit()

        john.follow(susan)
        john.follow(david)
        susan.follow(mary)
        mary.follow(david)
        db.session.commit()

        self.assertEqual(db.session.scalars(john.following_posts()).all(), [p2, p4, p1])
        self.assertEqual(db.session.scalars(susan.following_posts()).all(), [p2, p3])
        self.assertEqual(db.session.scalars(mary.following_posts()).all(), [p3, p4])
        self.assertEqual(db.session.scalars(david.following_posts()).all(), [p4])
        # The fast timeline reads the same rows.
        for user in (john, susan, mary, david):
            self.assertEqual(
                db.session.scalars(timeline(user)).all(),
                db.session.scalars(user.following_posts()).all(),
            )

    def test_reset_password_token(self):
        (susan,) = self.add_users("susan")
        susan.set_password("cat")
        token = susan.get_reset_password_token(expires_in=600)
        self.assertEqual(User.verify_reset_password_token(token), susan)
        self.assertIsNone(User.verify_reset_password_token(token + "x"))
        # Single use: the token dies with the password it was made for.
        susan.set_password("dog")
        self.assertIsNone(User.verify_reset_password_token(token))
        expired = susan.get_reset_password_token(expires_in=-1)
        self.assertIsNone(User.verify_reset_password_token(expired))

    def test_messages_and_notifications(self):
        john, susan = self.add_users("john", "susan")
        db.session.add(Message(author=john, recipient=susan, body="hello"))
        db.session.commit()
        self.assertEqual(susan.unread_message_count(), 1)
        self.assertEqual(db.session.scalars(john.messages_sent.select()).one().body, "hello")
        self.assertEqual(db.session.scalars(susan.messages_received.select()).one().body, "hello")

        susan.add_notification("unread_message_count", 1)
        susan.add_notification("unread_message_count", 0)
        db.session.commit()
        notification = db.session.scalars(susan.notifications.select()).one()
        self.assertEqual(notification.get_data(), 0)

    def test_tasks(self):
        (susan,) = self.add_users("susan")
        db.session.add(Post(body="my only post", author=susan))
        db.session.commit()
        self.assertEqual(susan.get_tasks_in_progress(), [])
        task = susan.launch_task("export_posts", "Exporting posts...")
        # The test app runs the job before launch_task returns (app/tasks/runner.py).
        self.assertEqual(db.session.scalars(susan.tasks.select()).one(), task)
        db.session.refresh(task)
        self.assertTrue(task.complete)
        self.assertIsNone(susan.get_task_in_progress("export_posts"))

    def test_search(self):
        (susan,) = self.add_users("susan")
        db.session.add_all(Post(body=f"flask post {n}", author=susan) for n in range(5))
        db.session.add(Post(body="something else", author=susan))
        db.session.commit()
        posts, total = Post.search("flask", 1, 2)
        self.assertEqual(total, 5)
        self.assertEqual([post.body for post in posts], ["flask post 4", "flask post 3"])
        posts, total = Post.search("flask", 3, 2)
        self.assertEqual([post.body for post in posts], ["flask post 0"])
        self.assertIn("search", Post.reindex())


TEST_SETTINGS = {
    "TESTING": True,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SECRET_KEY": TestConfig.SECRET_KEY,
}


class ConfigMappingCase(unittest.TestCase):
    def test_a_mapping_of_settings_over_config(self):
        app = create_app({**TEST_SETTINGS})
        self.assertEqual(app.config["POSTS_PER_PAGE"], Config.POSTS_PER_PAGE)
        self.assertTrue(app.config["TESTING"])

    def test_identicon_avatar_outside_a_request(self):
        app = create_app({**TEST_SETTINGS})
        with app.app_context():
            url = User(username="john", email="john@example.com").avatar(48)
        self.assertRegex(url, r"^/avatar/[0-9a-f]{16}\.svg$")
