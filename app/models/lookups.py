"""Users as the busiest pages find them: a profile with its counts, a name, the signed-in user.

Each statement is built once and run with parameters: building and cache-keying a statement
costs SQLAlchemy more Python than running a small one.
"""

import hmac
from functools import cache
from typing import NamedTuple

from sqlalchemy import Integer, Select, bindparam, exists, func, select
from sqlalchemy.orm import undefer

from app.database import READS_ONLY
from app.extensions import db, login
from app.models.follow_request import FollowRequest
from app.models.followers import followers
from app.models.login_session import LoginSession
from app.models.user import User
from app.models.username import normalize_username


class Profile(NamedTuple):
    user: User
    followers_count: int
    following_count: int
    followed_by_reader: bool
    # The reader asked to follow and waits for the answer (theirs, or their server's).
    requested_by_reader: bool


@cache
def _profile() -> Select:
    """The user and their follow counts in one query: the profile is among the busiest pages."""

    def count(condition):
        return select(func.count()).select_from(followers).where(condition).scalar_subquery()

    reader = bindparam("reader", type_=Integer)
    return select(
        User,
        count(followers.c.followed_id == User.id),
        count(followers.c.follower_id == User.id),
        exists().where(followers.c.follower_id == reader, followers.c.followed_id == User.id),
        exists().where(FollowRequest.follower_id == reader, FollowRequest.followed_id == User.id),
    ).where(User.username == bindparam("username"))


def profile_by_username(username: str, reader: User) -> Profile | None:
    """The profile of the user with this username (in any letter case), as `reader` sees it."""
    params = {"username": normalize_username(username), "reader": reader.id}
    row = db.session.execute(_profile(), params, execution_options=READS_ONLY).one_or_none()
    if row is None:
        return None
    user, followers_count, following_count, followed, requested = row
    others = user.id != reader.id
    return Profile(
        user,
        followers_count,
        following_count,
        bool(followed) and others,
        bool(requested) and others,
    )


@cache
def _signed_in_user() -> Select:
    # With the navbar's unread counts (app/models/message.py, alert.py) and the session's
    # record, which must not have ended, in the same query.
    return (
        select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == bindparam("id", type_=Integer),
            LoginSession.id == bindparam("session"),
            LoginSession.ended_at.is_(None),
            User.suspended_at.is_(None),  # a suspended account is signed out everywhere
        )
        .options(undefer(User.unread_messages), undefer(User.unread_alerts))
    )


@cache
def _user_by_username() -> Select:
    return select(User).where(User.username == bindparam("username"))


def user_by_username(username: str) -> User | None:
    """The user with this username, in any letter case."""
    params = {"username": normalize_username(username)}
    found = db.session.execute(_user_by_username(), params, execution_options=READS_ONLY)
    return found.scalar_one_or_none()


@login.user_loader
def load_user(login_id: str) -> User | None:
    """The user of a login id (User.get_id), if it is still theirs and its session lives."""
    parts = login_id.split(":")
    if len(parts) == 4:
        # Written before migration 0021 dropped the session generation, which the record
        # (checked below) has replaced: still good.
        del parts[1]
    if len(parts) != 3:
        return None  # an id from before sign-in records (0012): that session is over
    user_id, fingerprint, session_id = parts
    if not user_id.isdecimal() or not session_id:
        return None
    params = {"id": int(user_id), "session": session_id}
    found = db.session.execute(_signed_in_user(), params, execution_options=READS_ONLY)
    row = found.one_or_none()
    if row is None:
        return None
    user, record = row
    if not hmac.compare_digest(user.password_fingerprint(), fingerprint):
        return None
    user.login_session = record
    return user
