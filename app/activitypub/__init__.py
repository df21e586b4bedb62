from flask import Flask

from app.activitypub import domains, keys
from app.activitypub.routes import bp


def init_app(app: Flask) -> None:
    """What app/federation asks of the site: each sender's key, and the hosts it refuses."""
    keys.init_app(app)
    domains.init_app(app)


__all__ = ["bp", "init_app"]
