from flask import Flask

from app.activitypub import domains, inbox, keys
from app.activitypub.routes import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    keys.init_app(app)  # deliveries signed with each local user's key
    inbox.init_app(app)  # queued activities handled by handle_queued
    domains.init_app(app)  # no request to a host the admins block
