"""The federation models' API, which the inbox and delivery code calls: keys, remote
accounts, follow requests and received activities."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy import func, select
from wtforms.validators import ValidationError

from app.auth.forms import check_username
from app.extensions import db
from app.models import ActorKey, FollowRequest, InboxActivity, RemoteActor, User
from tests.activitypub.conftest import remember_bob
from tests.settings import PASSWORD


def test_a_key_is_made_on_first_use_and_kept(app, make_user):
    make_user("susan")
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        assert db.session.scalar(select(func.count()).select_from(ActorKey)) == 0
        private_pem = susan.signing_key()
        db.session.commit()
        assert susan.signing_key() == private_pem
        assert db.session.scalar(select(func.count()).select_from(ActorKey)) == 1

        private = serialization.load_pem_private_key(private_pem.encode(), password=None)
        public = serialization.load_pem_public_key(susan.public_key_pem().encode())
        assert isinstance(private, rsa.RSAPrivateKey)
        assert private.key_size == 2048
        signature = private.sign(b"hello", padding.PKCS1v15(), _sha256())
        public.verify(signature, b"hello", padding.PKCS1v15(), _sha256())  # raises if not


def _sha256():
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def test_rotating_replaces_the_key_and_deletes_the_old_one(app, make_user):
    make_user("susan")
    with app.app_context():
        susan = db.session.scalar(User.by_username("susan"))
        old = susan.signing_key()
        db.session.commit()
        susan.rotate_key()
        db.session.commit()
        assert susan.signing_key() != old
        keys = db.session.scalars(select(ActorKey.private_key_pem)).all()
        assert keys == [susan.signing_key()]


def test_the_newest_key_is_the_current_one(app, make_user):
    user = make_user("susan")
    with app.app_context():
        first, second = ActorKey.generate(user.id), ActorKey.generate(user.id)
        db.session.commit()
        susan = db.session.get(User, user.id)
        assert susan.public_key_pem() == second.public_key_pem != first.public_key_pem


def test_remember_remote_makes_a_user_without_email_or_password(app):
    with app.app_context():
        bob = remember_bob()
        db.session.commit()
        assert bob.username == "bob@remote.example"
        assert bob.email is None and bob.password_hash is None
        assert bob.is_remote
        actor = RemoteActor.by_uri("https://remote.example/users/bob")
        assert actor.user_id == bob.id
        assert actor.inbox == "https://remote.example/users/bob/inbox"
        assert actor.shared_inbox == "https://remote.example/inbox"
        assert actor.profile_url == "https://remote.example/@bob"
        assert RemoteActor.by_key_id("https://remote.example/users/bob#main-key") == actor
        assert RemoteActor.by_key_id("https://remote.example/users/eve#main-key") is None
        assert RemoteActor.by_uri("https://remote.example/users/eve") is None
        # Nobody signs in as them, whatever they type.
        assert User.authenticate("bob@remote.example", "") is None
        assert User.authenticate("bob@remote.example", PASSWORD) is None


def test_remember_remote_updates_the_account_it_knows(app):
    with app.app_context():
        first = remember_bob()
        db.session.commit()
        again = User.remember_remote(
            "https://remote.example/users/bob", "Bob", "Remote.Example",
            "https://remote.example/new-inbox", None, "NEW KEY",
            "https://remote.example/users/bob#key-2", about_me="  Hi  ",
        )  # fmt: skip
        db.session.commit()
        assert again.id == first.id
        assert db.session.scalar(select(func.count()).select_from(RemoteActor)) == 1
        actor = again.remote_actor
        assert (actor.inbox, actor.shared_inbox, actor.public_key_pem) == (
            "https://remote.example/new-inbox", None, "NEW KEY",
        )  # fmt: skip
        assert RemoteActor.by_key_id("https://remote.example/users/bob#key-2") == actor
        assert again.username == "bob@remote.example"
        assert again.about_me == "Hi"


@pytest.mark.parametrize(
    ("username", "host"),
    [("", "remote.example"), ("bob", ""), ("b@b", "remote.example"), ("bob", "a/b"),
     ("bob", "x" * 70)],
)  # fmt: skip
def test_remember_remote_refuses_what_is_not_a_handle_it_can_keep(app, username, host):
    with app.app_context(), pytest.raises(ValueError):
        User.remember_remote(
            "https://remote.example/users/x", username, host, "https://remote.example/inbox",
            None, "KEY", "https://remote.example/users/x#main-key",
        )  # fmt: skip


def test_remote_names_cannot_be_signed_up_for(app):
    with app.app_context():
        remember_bob()
        db.session.commit()
        with pytest.raises(ValidationError):
            check_username("bob@remote.example")
        check_username("bob")  # the local name is free: nothing collides


def test_a_remote_account_goes_with_its_user(app):
    with app.app_context():
        bob = remember_bob()
        db.session.commit()
        db.session.delete(bob)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(RemoteActor)) == 0


def test_asking_to_follow_follows_at_once_without_approval(app, make_user):
    make_user("susan")
    with app.app_context():
        bob = remember_bob()
        susan = db.session.scalar(User.by_username("susan"))
        assert bob.ask_to_follow(susan, "https://remote.example/follows/1") is True
        db.session.commit()
        assert bob.is_following(susan)
        assert FollowRequest.between(bob, susan) is None
        assert bob.ask_to_follow(susan) is True  # already following
        assert susan.ask_to_follow(susan) is False


def test_asking_to_follow_leaves_one_request_when_they_approve(app, make_user):
    make_user("susan", approve_followers=True)
    with app.app_context():
        bob = remember_bob()
        susan = db.session.scalar(User.by_username("susan"))
        assert bob.ask_to_follow(susan, "https://remote.example/follows/1") is False
        assert bob.ask_to_follow(susan, "https://remote.example/follows/2") is False
        db.session.commit()
        assert not bob.is_following(susan)
        request = FollowRequest.between(bob, susan)
        assert request.activity_uri == "https://remote.example/follows/2"
        assert FollowRequest.by_activity("https://remote.example/follows/2") == request
        assert FollowRequest.by_activity("https://remote.example/follows/1") is None
        assert db.session.scalars(FollowRequest.awaiting(susan)).all() == [request]


@pytest.mark.parametrize(("answer", "follows"), [("accept", True), ("reject", False)])
def test_a_request_accepted_follows_and_one_rejected_does_not(app, make_user, answer, follows):
    make_user("susan", approve_followers=True)
    with app.app_context():
        bob = remember_bob()
        susan = db.session.scalar(User.by_username("susan"))
        bob.ask_to_follow(susan, "https://remote.example/follows/1")
        db.session.commit()
        getattr(FollowRequest.between(bob, susan), answer)()
        db.session.commit()
        assert bob.is_following(susan) is follows
        assert FollowRequest.between(bob, susan) is None


def test_a_request_can_be_withdrawn(app, make_user):
    make_user("susan", approve_followers=True)
    make_user("john")
    with app.app_context():
        susan, john = (db.session.scalar(User.by_username(n)) for n in ("susan", "john"))
        assert john.ask_to_follow(susan) is False
        assert john.withdraw_follow_request(susan) is True
        assert john.withdraw_follow_request(susan) is False
        db.session.commit()
        assert FollowRequest.between(john, susan) is None


def test_an_activity_is_new_only_the_first_time(app):
    with app.app_context():
        assert InboxActivity.first_time("https://remote.example/activities/1") is True
        assert InboxActivity.first_time("https://remote.example/activities/1") is False
        assert InboxActivity.first_time("https://remote.example/activities/2") is True
        db.session.commit()
        assert InboxActivity.first_time("https://remote.example/activities/1") is False
        assert db.session.scalar(select(func.count()).select_from(InboxActivity)) == 2


@pytest.mark.parametrize("activity_id", ["", "https://remote.example/" + "a" * 600])
def test_an_activity_id_that_cannot_be_kept_is_refused(app, activity_id):
    with app.app_context(), pytest.raises(ValueError):
        InboxActivity.first_time(activity_id)


def test_an_activity_is_new_only_the_first_time_on_each_database(app_on_each_database):
    with app_on_each_database.app_context():
        assert InboxActivity.first_time("https://remote.example/activities/1") is True
        db.session.commit()
        assert InboxActivity.first_time("https://remote.example/activities/1") is False
        # The transaction goes on: the duplicate was skipped, not an error.
        assert InboxActivity.first_time("https://remote.example/activities/2") is True
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(InboxActivity)) == 2


def test_pruning_unconfirmed_accounts_keeps_remote_ones(app):
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with app.app_context():
        bob = remember_bob()
        bob.created_at = long_ago
        db.session.add(
            User(username="lazy", email="lazy@example.com", created_at=long_ago, confirmed_at=None)
        )
        db.session.commit()
        assert User.prune_unconfirmed(7) == 1
        db.session.commit()
        assert db.session.scalars(select(User.username)).all() == ["bob@remote.example"]
