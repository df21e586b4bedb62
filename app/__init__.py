"""The microblog application factory."""

from collections.abc import Mapping
from typing import Any

from flask import Flask

from app import (
    cli,
    database,
    errors,
    federation,
    i18n,
    logs,
    media,
    rate_limits,
    security,
    speedups,
    static_files,
    templating,
)
from app.account import bp as account_bp
from app.activitypub import bp as activitypub_bp
from app.activitypub import init_app as init_activitypub
from app.alerts import bp as alerts_bp
from app.api import bp as api_bp
from app.auth import bp as auth_bp
from app.email import init_mail
from app.extensions import bootstrap, csrf, db, login, migrate
from app.feeds import bp as feeds_bp
from app.follow_requests import bp as follow_requests_bp
from app.language import bp as language_bp
from app.main import bp as main_bp
from app.messages import bp as messages_bp
from app.moderation import bp as moderation_bp
from app.passkeys import bp as passkeys_bp
from app.posts import bp as posts_bp
from app.reactions import bp as reactions_bp
from app.search import bp as search_bp
from app.sessions import bp as sessions_bp
from app.tags import bp as tags_bp
from app.tasks import bp as tasks_bp
from app.tasks import init_app as init_tasks
from app.theme import bp as theme_bp
from app.translate import bp as translate_bp
from app.twofactor import bp as twofactor_bp
from config import Config


class Microblog(Flask):
    """Flask, with the speed-ups' Jinja environment when SPEEDUPS is on."""

    def create_jinja_environment(self):
        self.jinja_environment = speedups.jinja_environment(self)
        return super().create_jinja_environment()


def create_app(config_class: type[Config] | Mapping[str, Any] = Config) -> Flask:
    """The app, configured by a Config subclass (the book's TestConfig) or a mapping of
    settings over Config's."""
    app = Microblog(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if isinstance(config_class, Mapping):
        app.config.from_mapping(config_class)
    else:
        app.config.from_object(config_class)
    security.init_app(app)

    database.init_app(app)  # db.init_app, tuned for the database's kind
    migrate.init_app(app, db)
    login.init_app(app)
    init_mail(app)
    i18n.init_app(app)
    templating.init_app(app)
    bootstrap.init_app(app)
    csrf.init_app(app)
    rate_limits.init_app(app)  # limiter.init_app, on storage every worker shares
    init_tasks(app)
    federation.init_app(app)  # deliveries to other servers: RQ queues per host, or threads

    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(sessions_bp, url_prefix="/account/sessions")
    app.register_blueprint(twofactor_bp, url_prefix="/two-factor")
    app.register_blueprint(passkeys_bp, url_prefix="/passkeys")
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(main_bp)
    app.register_blueprint(posts_bp)
    media.init_app(app)  # /media/…, and the larger body limit of views taking images
    app.register_blueprint(search_bp)
    app.register_blueprint(translate_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(tags_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(language_bp)
    app.register_blueprint(theme_bp)
    app.register_blueprint(reactions_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(activitypub_bp)
    init_activitypub(app)  # deliveries signed with users' keys; queued activities handled
    app.register_blueprint(follow_requests_bp)
    speedups.init_app(app)  # last: it replaces plain pieces the rest set up
    errors.init_app(app)
    cli.init_app(app)
    logs.init_app(app)
    static_files.init_app(app)  # wraps wsgi_app: WhiteNoise answers /static/ first
    return app
