"""Blocking, muting and reporting: what any user can do about another user or a post."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.forms import EmptyForm
from app.models import Block, Report, user_by_username
from app.moderation.forms import DomainForm, ReportForm, action_label, reason_label
from app.pagination import paginate, requested_page
from app.post_lookup import get_listed_post_or_403
from app.rate_limits import report_limits

bp = Blueprint("moderation", __name__)
bp.add_app_template_global(reason_label)
bp.add_app_template_global(action_label)


def changed_message(change: str, username: str) -> str:
    """What each button says when it worked."""
    return {
        "block": _(
            "You blocked %(username)s: they cannot follow or message you.", username=username
        ),
        "unblock": _("You unblocked %(username)s.", username=username),
        "mute": _("You muted %(username)s: their posts are out of your lists.", username=username),
        "unmute": _("You unmuted %(username)s.", username=username),
    }[change]


def get_user_or_404(username: str):
    return user_by_username(username) or abort(404)


@bp.route("/user/<username>/<any(block, unblock, mute, unmute):change>", methods=["POST"])
@login_required
def change_block(username: str, change: str):
    """Block, unblock, mute or unmute someone."""
    user = get_user_or_404(username)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if getattr(current_user, change)(user):
        db.session.commit()
        flash(changed_message(change, user.username), "success")
    elif user.id == current_user.id:
        flash(_("You cannot do that to yourself."), "warning")
    return redirect(url_for("main.user", username=user.username))


@bp.route("/blocked")
@login_required
def blocked():
    """Whom you block and mute, and the servers you block, with buttons to undo."""
    query = current_user.blocked_list().options(joinedload(Block.target))
    page = paginate(query, requested_page(), current_app.config["POSTS_PER_PAGE"])
    servers = db.session.scalars(current_user.blocked_domains()).all()
    return render_template(
        "moderation/blocked.html", title=_("Blocked and muted"), page=page, servers=servers,
        domain_form=DomainForm(),
    )  # fmt: skip


def _report_page(target, post):
    form = ReportForm()
    if form.validate_on_submit():
        Report.file(current_user, target, post, form.reason.data, form.details.data)
        db.session.commit()
        flash(_("Thank you: the admins will look at your report."), "success")
        return redirect(url_for("main.user", username=target.username))
    if post is not None:
        title = _("Report a post")
    else:
        title = _("Report %(username)s", username=target.username)
    return render_template(
        "moderation/report.html", title=title, form=form, target=target, post=post
    )


@bp.route("/report/post/<int:post_id>", methods=["GET", "POST"])
@login_required
@report_limits
def report_post(post_id: int):
    """Tell the admins a post breaks the rules (one not hidden already)."""
    post = get_listed_post_or_403(post_id)
    return _report_page(post.author, post)


@bp.route("/report/user/<username>", methods=["GET", "POST"])
@login_required
@report_limits
def report_user(username: str):
    """Tell the admins an account breaks the rules."""
    return _report_page(get_user_or_404(username), None)
