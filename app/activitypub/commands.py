"""`flask users rotate-key NAME`: a new key pair for a user's actor; `flask federation
rotate-site-key`: one for the site's own actor (/actor)."""

import click
from flask.cli import with_appcontext

from app.database import require_current_schema
from app.extensions import db
from app.models import InstanceKey, user_by_username


@click.command("rotate-key")
@click.argument("username")
@with_appcontext
def rotate_key(username: str) -> None:
    """Give USERNAME a new signing key (their old private key is deleted): after a leak, or
    as a habit. Other servers fetch the new public key when a signature fails with the old."""
    require_current_schema()
    user = user_by_username(username)
    if user is None or user.is_remote:
        raise click.ClickException(f"No user of this site is named {username!r}.")
    user.rotate_key()
    db.session.commit()
    click.echo(f"{user.username} has a new key.")


@click.command("rotate-site-key")
@with_appcontext
def rotate_site_key() -> None:
    """Give the site's own actor (/actor, which signs the documents the site fetches) a new
    signing key (the old private key is deleted). Other servers fetch the new public key
    when a signature fails with the old."""
    require_current_schema()
    InstanceKey.rotate()
    db.session.commit()
    click.echo("The site's actor has a new key.")
