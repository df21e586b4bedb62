"""Deleting an account: every row that belongs to it goes with it."""

from sqlalchemy import delete

from app.extensions import db
from app.models.reactions import forget_reactions_of
from app.models.reserved_username import ReservedUsername
from app.models.user import User


def delete_account(user: User, reserve_days: int) -> None:
    """Delete `user` and, by ON DELETE CASCADE in the database, every row with a foreign key
    to it (posts, messages, follows, tokens, tasks, logs); keep the username from sign-ups for
    `reserve_days` days (the caller commits)."""
    ReservedUsername.reserve(user.username, reserve_days)
    forget_reactions_of(user.id)  # their likes and boosts leave the counts of others' posts
    db.session.execute(
        delete(User).where(User.id == user.id), execution_options={"synchronize_session": False}
    )
    db.session.expunge(user)
