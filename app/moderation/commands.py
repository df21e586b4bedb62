"""`flask domains …`: the admins' rules about whole servers, from the command line (the same
as /admin/domains, logged as by "(flask domains)")."""

import click
from flask.cli import AppGroup

from app.database import require_current_schema
from app.extensions import db
from app.models import DomainBlock
from app.models import domain_block as rules
from app.models.remote_actor import normalize_domain

domains = AppGroup(
    "domains",
    help="Servers of the fediverse: `flask domains block HOST`, `silence HOST`, `lift HOST`,"
    " `list`.",
)
MODERATOR = "(flask domains)"


def checked(domain: str) -> str:
    require_current_schema()
    try:
        return normalize_domain(domain)
    except ValueError as error:
        raise click.ClickException(str(error)) from None


def impose(domain: str, severity: str, reason: str) -> None:
    domain = checked(domain)
    if not rules.impose(domain, severity, MODERATOR, reason):
        click.echo(f"{domain} is already {'blocked' if severity == rules.BLOCK else 'silenced'}.")
        return
    db.session.commit()
    click.echo(f"{domain} is now {'blocked' if severity == rules.BLOCK else 'silenced'}.")


@domains.command()
@click.argument("domain")
@click.option("--reason", default="", help="Why, for the moderation log.")
def block(domain: str, reason: str) -> None:
    """Block DOMAIN: refuse its activities, fetch and send nothing, suspend its accounts."""
    impose(domain, rules.BLOCK, reason)


@domains.command()
@click.argument("domain")
@click.option("--reason", default="", help="Why, for the moderation log.")
def silence(domain: str, reason: str) -> None:
    """Silence DOMAIN: its posts leave Explore, tag pages and search (followers still see them)."""
    impose(domain, rules.SILENCE, reason)


@domains.command()
@click.argument("domain")
@click.option("--reason", default="", help="Why, for the moderation log.")
def lift(domain: str, reason: str) -> None:
    """End the block or silence of DOMAIN (the accounts its block suspended are back)."""
    domain = checked(domain)
    if not rules.lift(domain, MODERATOR, reason):
        click.echo(f"{domain} is neither blocked nor silenced.")
        return
    db.session.commit()
    click.echo(f"{domain} is no longer blocked or silenced.")


@domains.command("list")
def list_rules() -> None:
    """The servers blocked or silenced, one a line."""
    require_current_schema()
    for rule in db.session.scalars(DomainBlock.all_by_domain()):
        click.echo(f"{rule.domain}\t{rule.severity}\t{rule.since:%Y-%m-%d %H:%M}")
