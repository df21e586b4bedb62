"""The fediverse's wire: HTTP signatures, safe fetching, and the background jobs (jobs.py) of
deliveries, incoming activities and fetches."""

from flask import Flask

from app.federation import delivery, inbox_queue, jobs
from app.federation.worker import federation


class UnsafeFederationSetting(RuntimeError):
    """A development-only FEDERATION_ALLOW_* setting is on in an app that serves for real."""


def check_development_settings(app: Flask) -> None:
    if app.debug or app.testing:
        return
    for name in ("FEDERATION_ALLOW_PRIVATE_ADDRESSES", "FEDERATION_ALLOW_HTTP"):
        if app.config[name]:
            raise UnsafeFederationSetting(
                f"{name} is on, but it is only for development: it lets anyone make this "
                "server send requests it must not. Unset it, or run with --debug."
            )


def init_app(app: Flask) -> None:
    check_development_settings(app)
    jobs.init_app(app)
    delivery.init_app(app)
    inbox_queue.init_app(app)
    app.cli.add_command(federation)
