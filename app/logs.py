"""Logging to stdout or a rotating file, and error emails to ADMINS when mail is configured."""

import logging
from logging.handlers import RotatingFileHandler, SMTPHandler
from pathlib import Path

from flask import Flask

from app.extensions import limiter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s [in %(pathname)s:%(lineno)d]"


def init_app(app: Flask) -> None:
    # Flask-Limiter's own logger has no handler, so its warning that Redis is down and
    # limits now count in memory would reach no log: send it where the app's messages go.
    limiter.logger = app.logger
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
        app.logger.addHandler(mail_handler)

    if app.config["LOG_TO_STDOUT"]:
        handler: logging.Handler = logging.StreamHandler()
    else:
        Path("logs").mkdir(exist_ok=True)
        handler = RotatingFileHandler("logs/microblog.log", maxBytes=1_000_000, backupCount=10)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    app.logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)
    app.logger.info("Microblog startup")
