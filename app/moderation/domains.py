"""Whole servers of the fediverse: a user blocks one for themselves (from /blocked or a remote
account's profile); an admin blocks or silences one for the site (/admin/domains)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import EmptyForm
from app.models import DomainBlock
from app.models import domain_block as rules
from app.models.remote_actor import normalize_domain
from app.moderation.admin import admin_required
from app.moderation.forms import DomainForm, DomainRuleForm, ModerationForm
from app.moderation.routes import bp
from app.security import safe_next_url


def domain_or_404(domain: str) -> str:
    try:
        return normalize_domain(domain)
    except ValueError:
        abort(404)


@bp.route("/blocked/domains", methods=["POST"])
@login_required
def block_domain_form():
    """Block a server typed on the blocked page."""
    form = DomainForm()
    if form.validate_on_submit():
        return _change_domain_block(form.domain.data, "block")
    for error in form.domain.errors:
        flash(str(error), "warning")
    return redirect(url_for(".blocked"))


@bp.route("/blocked/domains/<domain>/<any(block, unblock):change>", methods=["POST"])
@login_required
def change_domain_block(domain: str, change: str):
    """Block every account of a server, or unblock it."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _change_domain_block(domain_or_404(domain), change)


def _change_domain_block(domain: str, change: str):
    if getattr(current_user, f"{change}_domain")(domain):
        db.session.commit()
        flash(domain_message(change, domain), "success")
    return redirect(safe_next_url(request.args.get("next")) or url_for(".blocked"))


def domain_message(change: str, domain: str) -> str:
    if change == "block":
        return _(
            "You blocked %(domain)s: its accounts cannot follow you, and you will not see them.",
            domain=domain,
        )
    return _("You unblocked %(domain)s.", domain=domain)


@bp.route("/admin/domains", methods=["GET", "POST"])
@admin_required
def domains():
    """The servers the site blocks or silences, and a form to add or change one."""
    form = DomainRuleForm()
    if form.validate_on_submit():
        domain, severity = form.domain.data, form.severity.data
        if rules.impose(domain, severity, current_user.username, form.reason.data or ""):
            db.session.commit()
            flash(rule_message(severity, domain), "success")
        return redirect(url_for(".domains"))
    listed = db.session.scalars(DomainBlock.all_by_domain()).all()
    return render_template(
        "moderation/domains.html", title=_("Servers"), form=form, rules=listed,
        lift_form=ModerationForm(),
    )  # fmt: skip


def rule_message(severity: str, domain: str) -> str:
    if severity == rules.BLOCK:
        return _("%(domain)s is blocked.", domain=domain)
    return _("%(domain)s is silenced.", domain=domain)


@bp.route("/admin/domains/<domain>/lift", methods=["POST"])
@admin_required
def lift_domain(domain: str):
    """End the site's block or silence of a server."""
    form = ModerationForm()
    if not form.validate_on_submit():
        abort(400)
    if rules.lift(domain_or_404(domain), current_user.username, form.reason.data or ""):
        db.session.commit()
        flash(_("%(domain)s is no longer blocked or silenced.", domain=domain), "success")
    return redirect(url_for(".domains"))
