"""`flask translate …`: the tutorial's translation workflow, on top of pybabel; and the
app's other commands, which report a database that fails them in one line."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_login.config import COOKIE_DURATION
from flask_migrate.cli import db as db_commands
from sqlalchemy.exc import DBAPIError

from app.activitypub.commands import rotate_key, rotate_site_key
from app.database import require_current_schema
from app.extensions import db
from app.federation.worker import federation
from app.media.commands import media
from app.models import (
    LoginSession,
    Post,
    ReservedUsername,
    RetiredKey,
    SecurityEvent,
    Tombstone,
    User,
    user_by_username,
)
from app.models.moderation import log_action
from app.moderation.commands import domains
from app.seed import seed

# Catalogs sorted by message, without file:line locations: adding a string touches only
# its own entry, so two branches that each add strings merge without conflicts.
ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = "app/translations"
POT_FILE = "messages.pot"

translate = AppGroup("translate", help="Translation and localization commands.")
search = AppGroup("search", help="Full-text search commands.")
accounts = AppGroup("accounts", help="User account commands.")
users = AppGroup(
    "users",
    help="Admins: `flask users promote NAME`, `flask users demote NAME`; keys: `flask users"
    " rotate-key NAME`.",
)
users.add_command(rotate_key)
federation.add_command(rotate_site_key)


def pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed")


def extract() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        POT_FILE,
        "app",
    )


@translate.command()
def update() -> None:
    """Update all languages from the source code."""
    extract()
    pybabel("update", "--ignore-obsolete", "-i", POT_FILE, "-d", TRANSLATIONS)
    (ROOT / POT_FILE).unlink()


@translate.command()
def compile() -> None:
    """Compile all languages."""
    pybabel("compile", "-d", TRANSLATIONS)


@translate.command()
@click.argument("lang")
def init(lang: str) -> None:
    """Initialize a new language."""
    extract()
    pybabel("init", "-i", POT_FILE, "-d", TRANSLATIONS, "-l", lang)
    (ROOT / POT_FILE).unlink()


@search.command()
def reindex() -> None:
    """Rebuild the search index from the posts."""
    require_current_schema()
    click.echo(Post.reindex())
    db.session.commit()


@accounts.command()
def prune() -> None:
    """Remove the accounts left unconfirmed longer than UNCONFIRMED_ACCOUNT_DAYS, the records
    of sessions ended longer ago than ENDED_SESSION_DAYS or expired, security log events older
    than SECURITY_LOG_DAYS, ended username reservations, the expired keys kept to sign the
    farewells of deleted or suspended accounts, and the posts and accounts deleted on other
    servers more than FEDERATION_TOMBSTONE_DAYS ago (which may then come back)."""
    require_current_schema()
    days = current_app.config["UNCONFIRMED_ACCOUNT_DAYS"]
    removed = User.prune_unconfirmed(days)
    ended_days = current_app.config["ENDED_SESSION_DAYS"]
    # Idle past the remember-me cookie's lifetime (and a day): no cookie can name them.
    remembered = current_app.config.get("REMEMBER_COOKIE_DURATION", COOKIE_DURATION)
    if not isinstance(remembered, timedelta):
        remembered = timedelta(seconds=remembered)
    sessions = LoginSession.prune(ended_days, remembered + timedelta(days=1))
    log_days = current_app.config["SECURITY_LOG_DAYS"]
    events = SecurityEvent.prune(log_days)
    names = ReservedUsername.prune()
    keys = RetiredKey.prune()
    tombstone_days = current_app.config["FEDERATION_TOMBSTONE_DAYS"]
    tombstones = Tombstone.prune(tombstone_days)
    db.session.commit()
    click.echo(f"Removed {removed} account(s) left unconfirmed for more than {days} days.")
    click.echo(f"Removed {sessions} session record(s) ended over {ended_days} days ago or expired.")
    click.echo(f"Removed {events} security log event(s) older than {log_days} days.")
    click.echo(f"Released {names} username(s) of deleted accounts.")
    click.echo(f"Removed {keys} expired key(s) of deleted or suspended accounts.")
    gone = f"{tombstones} post(s) and account(s) deleted elsewhere over {tombstone_days} days ago"
    click.echo(f"Forgot {gone}.")


def _set_admin(username: str, admin: bool) -> None:
    require_current_schema()
    user = user_by_username(username)
    if user is None:
        raise click.ClickException(f"No user is named {username!r}.")
    if user.is_admin == admin:
        click.echo(f"{user.username} {'is already' if admin else 'is not'} an admin.")
        return
    user.is_admin = admin
    log_action("(flask users)", "promote" if admin else "demote", user=user)
    db.session.commit()
    click.echo(f"{user.username} {'is now' if admin else 'is no longer'} an admin.")


@users.command()
@click.argument("username")
def promote(username: str) -> None:
    """Make USERNAME an admin: the reports queue, hiding posts, suspending accounts."""
    _set_admin(username, True)


@users.command()
@click.argument("username")
def demote(username: str) -> None:
    """Make USERNAME an ordinary user again."""
    _set_admin(username, False)


def report_database_errors(command: click.Command) -> None:
    """A database that is down or refuses a statement ends `command` with one line, not a
    traceback."""
    if getattr(command, "reports_database_errors", False):
        return
    invoke = command.invoke

    def invoke_reporting(ctx: click.Context):
        try:
            return invoke(ctx)
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0]
            raise click.ClickException(f"The database failed: {reason}") from None

    command.invoke = invoke_reporting  # type: ignore[method-assign]
    command.reports_database_errors = True  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    app.cli.add_command(translate)
    app.cli.add_command(seed)
    app.cli.add_command(search)
    app.cli.add_command(accounts)
    app.cli.add_command(media)
    app.cli.add_command(users)
    app.cli.add_command(domains)
    # Flask-Migrate's `flask db` comes from its entry point; it is wrapped here, once.
    for command in (db_commands, seed, search, accounts, media, users, domains):
        report_database_errors(command)
