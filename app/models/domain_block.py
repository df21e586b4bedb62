"""The admins' rules about whole servers of the fediverse (domain blocks), each logged.

A block cuts the server off: its deliveries are refused (403), nothing is fetched from or sent
to it (app/activitypub/keys.py tells app/federation), and its accounts known here are
suspended. A silence keeps its accounts' posts out of the public lists (Explore, the front
page, tag pages, search and their feeds); their followers here still read them in their
timelines and on their profiles. A rule names one host[:port] (RemoteActor.domain) and covers
its subdomains as Mastodon's do: example.com's is social.example.com's too (not
notexample.com's). Where rules overlap, the strictest applies.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, String, func, select, update
from sqlalchemy.orm import Mapped, aliased, mapped_column

from app.extensions import db
from app.models.followers import followers
from app.models.moderation import LISTED, SUSPENDED, log_action
from app.models.post import Post
from app.models.remote_actor import DOMAIN_MAX, ActorDomain, domain_and_parents
from app.models.types import UTCDateTime, utcnow
from app.models.user import User

BLOCK, SILENCE = "block", "silence"
SEVERITIES = (BLOCK, SILENCE)


class DomainBlock(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(DOMAIN_MAX), unique=True)
    severity: Mapped[str] = mapped_column(String(8))  # BLOCK or SILENCE
    # When this severity took effect. The accounts a block suspends get this time as their
    # suspended_at: lifting it lets back those, not the ones an admin suspended alone.
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def by_domain(domain: str) -> "DomainBlock | None":
        return db.session.scalar(select(DomainBlock).where(DomainBlock.domain == domain))

    @staticmethod
    def all_by_domain() -> Select:
        return select(DomainBlock).order_by(DomainBlock.domain)


def blocked_among(domains: Iterable[str]) -> set[str]:
    """Those of `domains` that are blocked, themselves or a domain above them, in one query
    (none asked: none)."""
    asked = {domain: domain_and_parents(domain) for domain in set(domains)}
    if not asked:
        return set()
    names = sorted({name for names in asked.values() for name in names})
    query = select(DomainBlock.domain).where(
        DomainBlock.domain.in_(names), DomainBlock.severity == BLOCK
    )
    blocked = set(db.session.scalars(query))
    return {domain for domain, names in asked.items() if blocked.intersection(names)}


def is_blocked(domain: str) -> bool:
    return bool(blocked_among([domain]))


def impose(domain: str, severity: str, moderator: str, reason: str = "") -> bool:
    """Block or silence the server `domain` (normalize_domain's form), or change its rule to
    `severity`; False if that is its rule already (the caller commits)."""
    if severity not in SEVERITIES:
        raise ValueError(f"{severity!r} is not one of {SEVERITIES}")
    rule = DomainBlock.by_domain(domain)
    if rule is not None and rule.severity == severity:
        return False
    if rule is None:
        rule = DomainBlock(domain=domain)
        db.session.add(rule)
    elif rule.severity == BLOCK:
        _let_back(rule)
    rule.severity, rule.since = severity, utcnow()
    if severity == BLOCK:
        _suspend_accounts(rule)
    log_action(moderator, f"{severity}_domain", domain=domain, reason=reason)
    db.session.flush()
    return True


def lift(domain: str, moderator: str, reason: str = "") -> bool:
    """End the rule about the server `domain`: the accounts its block suspended are back.
    False if there is none (the caller commits)."""
    rule = DomainBlock.by_domain(domain)
    if rule is None:
        return False
    if rule.severity == BLOCK:
        _let_back(rule)
    db.session.delete(rule)
    log_action(moderator, "lift_domain", domain=domain, reason=reason)
    db.session.flush()
    return True


def _accounts(domain: str) -> Select:
    """The accounts of the server `domain` and of its subdomains."""
    return select(ActorDomain.user_id).where(ActorDomain.domain == domain)


def _suspend_accounts(rule: DomainBlock) -> None:
    """Suspend the server's accounts not suspended already, as ModeratorMixin.suspend does:
    their posts leave every list."""
    accounts = _accounts(rule.domain)
    # Their posts first: the accounts' suspended_at then says which are the block's.
    suspended_now = (User.id.in_(accounts), User.suspended_at.is_(None))
    _set_hidden(select(User.id).where(*suspended_now), LISTED, SUSPENDED)
    db.session.execute(
        update(User)
        .where(*suspended_now)
        .values(suspended_at=rule.since)
        .execution_options(synchronize_session=False)
    )


def _let_back(rule: DomainBlock) -> None:
    """Lift the suspensions the block made (those at its time), and list their posts again;
    an account another block covers (example.com's, as social.example.com's rule goes) is
    that block's now, to be let back when it is lifted."""
    by_the_block = (User.id.in_(_accounts(rule.domain)), User.suspended_at == rule.since)
    others = (
        select(ActorDomain.user_id)
        .join(DomainBlock, DomainBlock.domain == ActorDomain.domain)
        .where(DomainBlock.severity == BLOCK, DomainBlock.id != rule.id)
    )
    handed_to = others.with_only_columns(func.min(DomainBlock.since), maintain_column_froms=True)
    db.session.execute(
        update(User)
        .where(*by_the_block, User.id.in_(others))
        .values(suspended_at=handed_to.where(ActorDomain.user_id == User.id).scalar_subquery())
        .execution_options(synchronize_session=False)
    )
    _set_hidden(select(User.id).where(*by_the_block), SUSPENDED, LISTED)
    db.session.execute(
        update(User)
        .where(*by_the_block)
        .values(suspended_at=None)
        .execution_options(synchronize_session=False)
    )


def _set_hidden(authors: Select, old: int, new: int) -> None:
    """The posts of `authors` hidden `old` become `new`."""
    db.session.execute(
        update(Post)
        .where(Post.user_id.in_(authors), Post.hidden == old)
        .values(hidden=new)
        .execution_options(synchronize_session=False)
    )
    # Their newest listed posts changed: their follows' times are unknown again.
    db.session.execute(
        update(followers)
        .where(followers.c.followed_id.in_(authors))
        .values(followed_last_post_at=None)
    )


def silenced_authors() -> Select:
    """The ids of the accounts of silenced servers and their subdomains: the few rules drive
    the query, each a range of actor_domain's primary key."""
    return (
        select(ActorDomain.user_id)
        .join(DomainBlock, DomainBlock.domain == ActorDomain.domain)
        .where(DomainBlock.severity == SILENCE)
    )


def not_silenced(author_id) -> ColumnElement[bool]:
    """A public list's condition: the post's author (`author_id`) is not of a silenced
    server. app/speedups/page_queries.py says the same on post ids."""
    return author_id.not_in(silenced_authors())


def silenced_posts() -> Select:
    """The ids of the posts of silenced servers' accounts, from ix_post_user_id_timestamp_id
    alone: a list checks its keys against them without reading a post's row."""
    post = aliased(Post, name="silenced_post")
    return select(post.id).where(post.user_id.in_(silenced_authors()))
