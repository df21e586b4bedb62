"""The fediverse's wire: HTTP signatures, safe fetching, queued deliveries, and the queue of
incoming activities."""

from flask import Flask

from app.federation import background, delivery, inbox_queue
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
    delivery.init_app(app)
    inbox_queue.init_app(app)
    background.init_app(app)
    app.cli.add_command(federation)
