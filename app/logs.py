"""Logging to stdout or a rotating file, and error emails to ADMINS when mail is configured."""

import logging
from logging.handlers import RotatingFileHandler, SMTPHandler
from pathlib import Path

from flask import Flask

from app.extensions import limiter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s [in %(pathname)s:%(lineno)d]"

# The handlers added here, by logger name: app.logger is shared by every app of one name in
# a process (a test run makes hundreds), so an earlier app's are closed rather than piled up.
_added: dict[str, list[logging.Handler]] = {}


def add_handler(app: Flask, handler: logging.Handler) -> None:
    app.logger.addHandler(handler)
    _added.setdefault(app.logger.name, []).append(handler)


def close_earlier_handlers(app: Flask) -> None:
    for handler in _added.pop(app.logger.name, []):
        app.logger.removeHandler(handler)
        handler.close()


def init_app(app: Flask) -> None:
    # Flask-Limiter's own logger has no handler, so its warning that Redis is down and
    # limits now count in memory would reach no log: send it where the app's messages go.
    limiter.logger = app.logger
    close_earlier_handlers(app)
    if app.debug or app.testing:
        return
    if app.config["MAIL_SERVER"] and app.config["ADMINS"]:
        credentials = None
        if app.config["MAIL_USERNAME"] or app.config["MAIL_PASSWORD"]:
            credentials = (app.config["MAIL_USERNAME"], app.config["MAIL_PASSWORD"])
        mail_handler = SMTPHandler(
            mailhost=(app.config["MAIL_SERVER"], app.config["MAIL_PORT"]),
            fromaddr=app.config["MAIL_DEFAULT_SENDER"],
            toaddrs=app.config["ADMINS"],
            subject="Microblog failure",
            credentials=credentials,
            secure=() if app.config["MAIL_USE_TLS"] else None,
            timeout=app.config["MAIL_TIMEOUT"],
        )
        mail_handler.setLevel(logging.ERROR)
        add_handler(app, mail_handler)

    if app.config["LOG_TO_STDOUT"]:
        handler: logging.Handler = logging.StreamHandler()
    else:
        Path("logs").mkdir(exist_ok=True)
        handler = RotatingFileHandler("logs/microblog.log", maxBytes=1_000_000, backupCount=10)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    add_handler(app, handler)
    app.logger.setLevel(logging.INFO)
    app.logger.info("Microblog startup")
