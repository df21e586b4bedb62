"""Blocks and mutes: whom a user no longer wants to see (mute), or to hear from at all (block).

One row per pair, its kind "block" or "mute"; a block also ends follows both ways and stops
the blocked user from following, messaging or replying to the blocker. A user's blocks of
whole servers: app/models/user_domain_block.py.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CompoundSelect, ForeignKey, Select, String, delete, exists, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import READS_ONLY
from app.extensions import db
from app.models.followers import followers
from app.models.remote_actor import ActorDomain
from app.models.types import UTCDateTime, utcnow
from app.models.user_domain_block import UserDomainBlock, blocks_domain_of

if TYPE_CHECKING:
    from app.models.user import User

BLOCK, MUTE = "block", "mute"


class Block(db.Model):
    __tablename__ = "user_block"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    target: Mapped["User"] = relationship(foreign_keys=[target_id], lazy="joined")


def filtered_authors(reader_id) -> CompoundSelect:
    """The ids of the users whose posts `reader_id` does not want to see: blocked or muted,
    or of a server they block."""
    of_blocked_servers = (
        select(ActorDomain.user_id)
        .join(UserDomainBlock, UserDomainBlock.domain == ActorDomain.domain)
        .where(UserDomainBlock.user_id == reader_id)
    )
    return select(Block.target_id).where(Block.user_id == reader_id).union_all(of_blocked_servers)


class BlockMixin:
    """User's block and mute verbs. block_total counts the user's blocks, mutes and blocked
    servers (DomainBlockMixin), so that a page knows without a query whether it must filter
    the lists of posts."""

    if TYPE_CHECKING:
        id: Mapped[int]
        block_total: Mapped[int]

        def recount_alerts(self) -> None: ...  # AlertsMixin's: alerts from them go too

        @property
        def domain(self) -> str | None: ...

    def _block_row(self, user: "User") -> Block | None:
        return db.session.get(Block, (self.id, user.id))

    def _set_block(self, user: "User", kind: str) -> bool:
        if user.id == self.id:
            return False
        row = self._block_row(user)
        if row is None:
            db.session.add(Block(user_id=self.id, target_id=user.id, kind=kind))
            self.block_total = (self.block_total or 0) + 1
            self.recount_alerts()  # flushed: the next verb's lookup finds it
        elif row.kind == kind:
            return False
        else:
            row.kind = kind
        return True

    def block(self, user: "User") -> bool:
        """Block `user` (a mute becomes a block) and end follows both ways; False if it is
        yourself or already blocked (the caller commits)."""
        if not self._set_block(user, BLOCK):
            return False
        db.session.execute(
            delete(followers).where(
                or_(
                    (followers.c.follower_id == self.id) & (followers.c.followed_id == user.id),
                    (followers.c.follower_id == user.id) & (followers.c.followed_id == self.id),
                )
            )
        )
        return True

    def mute(self, user: "User") -> bool:
        """Mute `user`: their posts leave your lists. False if yourself, already muted, or
        blocked (a block already hides them)."""
        row = self._block_row(user)
        if row is not None and row.kind == BLOCK:
            return False
        return self._set_block(user, MUTE)

    def _remove(self, user: "User", kind: str) -> bool:
        row = self._block_row(user)
        if row is None or row.kind != kind:
            return False
        db.session.delete(row)
        self.block_total = max((self.block_total or 1) - 1, 0)
        self.recount_alerts()
        return True

    def unblock(self, user: "User") -> bool:
        return self._remove(user, BLOCK)

    def unmute(self, user: "User") -> bool:
        return self._remove(user, MUTE)

    def blocks(self, user: "User") -> bool:
        """Whether this user blocks `user`."""
        row = self._block_row(user)
        return row is not None and row.kind == BLOCK

    def mutes(self, user: "User") -> bool:
        row = self._block_row(user)
        return row is not None and row.kind == MUTE

    def is_blocked_by(self, user: "User") -> bool:
        """Whether `user` blocks this user, or their server: then this user may not follow,
        message or reply to them."""
        query = select(Block.kind).where(Block.user_id == user.id, Block.target_id == self.id)
        return db.session.scalar(query) == BLOCK or user.blocks_domain(self.domain)

    def filtered_author_ids(self) -> set[int]:
        """The ids of the users whose posts this user does not want to see (filtered_authors)."""
        if not self.block_total:
            return set()
        return set(db.session.scalars(filtered_authors(self.id), execution_options=READS_ONLY))

    def either_blocks(self, user: "User") -> bool:
        """Whether a block stands between the two users, either way (of the one, or of the
        other's server)."""
        pair = or_(
            (Block.user_id == self.id) & (Block.target_id == user.id),
            (Block.user_id == user.id) & (Block.target_id == self.id),
        )
        blocked = [exists().where(pair, Block.kind == BLOCK)]
        for blocker, account in ((self, user), (user, self)):
            if account.domain is not None:
                blocked.append(blocks_domain_of(blocker.id, account.domain))
        return bool(db.session.scalar(select(or_(*blocked))))

    def blocked_list(self) -> Select:
        """The user's blocks and mutes, newest first."""
        return (
            select(Block)
            .where(Block.user_id == self.id)
            .order_by(Block.created_at.desc(), Block.target_id.desc())
        )
