"""A user's blocks of whole servers of the fediverse: each account of the server is then
blocked, those known now and those that come later, and those of its subdomains (as the
admins' rules, app/models/domain_block.py). Blocks of one account: app/models/blocks.py."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Select, String, exists, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.followers import end_follows_with
from app.models.remote_actor import DOMAIN_MAX, ActorDomain, domain_and_parents
from app.models.types import UTCDateTime, utcnow


class UserDomainBlock(db.Model):
    """A user blocks every account of a server (`domain`, as RemoteActor.domain keeps it)."""

    __tablename__ = "user_domain_block"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    domain: Mapped[str] = mapped_column(String(DOMAIN_MAX), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def domain_accounts(domain) -> Select:
    """The ids of the accounts of the server `domain` and its subdomains known here."""
    return select(ActorDomain.user_id).where(ActorDomain.domain == domain)


def blocks_domain_of(user_id: int, domain: str):
    """Whether the user blocks the server `domain` or a domain above it, as an EXISTS."""
    names = domain_and_parents(domain)
    return exists().where(UserDomainBlock.user_id == user_id, UserDomainBlock.domain.in_(names))


class DomainBlockMixin:
    """User's verbs for whole servers. They count in block_total beside the blocks and mutes
    of accounts (BlockMixin), so that a page knows without a query whether it must filter."""

    if TYPE_CHECKING:
        id: Mapped[int]
        block_total: Mapped[int]

        def recount_alerts(self) -> None: ...  # AlertsMixin's: alerts from them go too

    def blocks_domain(self, domain: str | None) -> bool:
        """Whether this user blocks the server `domain` or a domain above it (None, a local
        user's: never)."""
        return self.domain_block_of(domain) is not None

    def domain_block_of(self, domain: str | None) -> str | None:
        """The server this user blocks that `domain` is (or is a subdomain of), the nearest;
        None if none, or for a local user's (None)."""
        if domain is None:
            return None
        names = domain_and_parents(domain)
        query = select(UserDomainBlock.domain).where(
            UserDomainBlock.user_id == self.id, UserDomainBlock.domain.in_(names)
        )
        return max(db.session.scalars(query), key=len, default=None)

    def block_domain(self, domain: str) -> bool:
        """Block every account of the server `domain` (normalize_domain's form) and of its
        subdomains, those known and those to come: follows both ways end, as a block's do.
        False if already blocked (the caller commits)."""
        if db.session.get(UserDomainBlock, (self.id, domain)) is not None:
            return False
        db.session.add(UserDomainBlock(user_id=self.id, domain=domain))
        self.block_total = (self.block_total or 0) + 1
        end_follows_with(self.id, domain_accounts(domain))
        self.recount_alerts()  # flushed: the next verb's lookup finds it
        return True

    def unblock_domain(self, domain: str) -> bool:
        row = db.session.get(UserDomainBlock, (self.id, domain))
        if row is None:
            return False
        db.session.delete(row)
        self.block_total = max((self.block_total or 1) - 1, 0)
        self.recount_alerts()
        return True

    def blocked_domains(self) -> Select:
        """The servers the user blocks, newest first."""
        return (
            select(UserDomainBlock)
            .where(UserDomainBlock.user_id == self.id)
            .order_by(UserDomainBlock.created_at.desc(), UserDomainBlock.domain)
        )
