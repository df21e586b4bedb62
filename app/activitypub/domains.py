"""What the admins' domain blocks (app/models/domain_block.py) mean to federation: the hosts
app/federation neither fetches from nor delivers to, and the inbox's refusal."""

from flask import Flask

from app.federation.hosts import host_of, set_host_policy
from app.models.domain_block import blocked_among, is_blocked


def refuses(actor_uri: str) -> bool:
    """Whether activities of this actor are refused: their server is blocked."""
    return is_blocked(host_of(actor_uri))


def init_app(app: Flask) -> None:
    set_host_policy(app, blocked_among)
