"""Deleting an account: after a fresh login, everything of the account goes (ON DELETE
CASCADE on every database), and its username stays reserved for a while."""

import time
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.auth.fresh import SESSION_KEY
from app.extensions import db
from app.models import (
    EmailChange,
    Message,
    Post,
    ReservedUsername,
    Task,
    User,
    record_security_event,
    utcnow,
)
from tests.conftest import add_user
from tests.settings import PASSWORD

DELETE = {"understood": "y"}


@pytest.fixture
def susan(client, auth, make_user):
    user = make_user("susan")
    auth.login()
    return user


def test_deletion_needs_a_fresh_login(app, client, susan):
    with client.session_transaction() as session:
        session[SESSION_KEY] = int(time.time()) - 3600
    response = client.post("/account/delete", data=DELETE)
    assert response.headers["Location"] == "/auth/reauthenticate?next=/account/delete"
    with app.app_context():
        assert db.session.get(User, susan.id) is not None


def test_the_page_offers_the_export_first(client, susan):
    page = client.get("/account/delete").text
    assert 'action="/export_posts"' in page
    assert 'href="/account/delete"' in client.get("/account/").text


def test_the_box_must_be_ticked(app, client, susan):
    response = client.post("/account/delete", data={})
    assert response.status_code == 200
    assert "Please tick the box to confirm." in response.text
    with app.app_context():
        assert db.session.get(User, susan.id) is not None


def test_deletion_signs_out_and_the_cookie_is_dead(app, client, susan):
    response = client.post("/account/delete", data=DELETE)
    assert response.headers["Location"] == "/auth/login"
    assert "Your account has been deleted." in client.get("/auth/login").text
    assert client.get("/index").status_code == 302
    with app.app_context():
        assert db.session.get(User, susan.id) is None


def test_every_user_foreign_key_cascades_in_the_models():
    """Rows other features add later, with a foreign key to user, go with the account too."""
    for table in db.metadata.tables.values():
        for key in table.foreign_keys:
            if key.column.table.name == "user":
                assert key.ondelete == "CASCADE", f"{table.name}.{key.parent.name}"


def fill_every_table(app, susan_id, john_id):
    """A row of each kind that belongs to susan, and one of john's that must stay."""
    with app.app_context():
        susan = db.session.get(User, susan_id)
        john = db.session.get(User, john_id)
        db.session.add_all([Post(body="mine", author=susan), Post(body="johns", author=john)])
        db.session.add(Message(author=susan, recipient=john, body="hi"))
        db.session.add(Message(author=john, recipient=susan, body="hello"))
        susan.follow(john)
        john.follow(susan)
        susan.get_token()
        susan.add_notification("unread_message_count", 1)
        db.session.add(Task(id=str(uuid.uuid4()), name="export_posts", user=susan))
        record_security_event(susan, "login")
        db.session.add(EmailChange(user=susan, old_email="a@example.com", new_email="b@x.org"))
        db.session.commit()


def rows_of(user_id) -> dict[str, int]:
    """How many rows of each table of the database point at this user."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    counts = {}
    with db.engine.connect() as connection:
        for table in metadata.tables.values():
            for key in table.foreign_keys:
                if key.column.table.name == "user":
                    query = select(sa.func.count()).where(key.parent == user_id)
                    counts[f"{table.name}.{key.parent.name}"] = connection.scalar(
                        query.select_from(table)
                    )
    return counts


def test_deletion_removes_every_row_of_the_account(app_on_each_database):
    app = app_on_each_database
    susan = add_user(app, "susan")
    john = add_user(app, "john")
    fill_every_table(app, susan.id, john.id)
    with app.app_context():
        before = rows_of(susan.id)
    assert all(before[name] for name in ("post.user_id", "security_event.user_id"))

    client = app.test_client()
    client.post("/auth/login", data={"username": "susan", "password": PASSWORD})
    assert client.post("/account/delete", data=DELETE).headers["Location"] == "/auth/login"
    with app.app_context():
        assert set(rows_of(susan.id).values()) == {0}
        assert db.session.get(User, susan.id) is None
        # John keeps his own post; his message to susan went with her.
        assert list(db.session.scalars(select(Post.body))) == ["johns"]
        assert db.session.get(User, john.id).following_count() == 0


def register(client, username):
    data = {"username": username, "email": f"{uuid.uuid4().hex}@example.com"}
    data |= {"password": "a good password", "password2": "a good password"}
    return client.post("/auth/register", data=data)


def test_the_username_stays_reserved(app, client, susan):
    client.post("/account/delete", data=DELETE)
    for name in ("susan", "SUSAN"):
        response = register(client, name)
        assert response.status_code == 200
        assert "Please use a different username." in response.text, name
    with app.app_context():
        until = db.session.scalar(select(ReservedUsername.reserved_until))
        assert timedelta(days=29) < until - utcnow() <= timedelta(days=30)
        # Look-alikes too: "rnike" reads as "mike".
        ReservedUsername.reserve("mike", 30)
        db.session.commit()
    assert "Please use a different username." in register(client, "rnike").text


def test_the_reservation_ends_and_prune_releases_it(app, client, susan):
    app.config["DELETED_USERNAME_RESERVED_DAYS"] = 3
    client.post("/account/delete", data=DELETE)
    with app.app_context():
        until = db.session.scalar(select(ReservedUsername.reserved_until))
        assert db.session.scalar(ReservedUsername.lookalike("susan", now=until)) is None
        assert ReservedUsername.prune(now=until - timedelta(seconds=1)) == 0
        assert ReservedUsername.prune(now=until) == 1
        db.session.commit()
    assert register(client, "susan").status_code == 302
