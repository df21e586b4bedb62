"""Private messages grouped by correspondent: the conversations a user is in."""

from sqlalchemy import Select, case, func, or_, select

from app.models.message import Message
from app.models.user import User


def correspondents(user: User) -> Select:
    """(User, newest, total) for everyone `user` has written to or heard from: the time of
    their newest message either way and how many there are, most recent conversation first."""
    other = case((Message.sender_id == user.id, Message.recipient_id), else_=Message.sender_id)
    talks = (
        select(
            other.label("other_id"),
            func.max(Message.timestamp).label("newest"),
            func.count().label("total"),
        )
        .where(or_(Message.sender_id == user.id, Message.recipient_id == user.id))
        .group_by(other)
        .subquery()
    )
    return (
        select(User, talks.c.newest, talks.c.total)
        .join(talks, talks.c.other_id == User.id)
        .order_by(talks.c.newest.desc(), User.id)
    )
