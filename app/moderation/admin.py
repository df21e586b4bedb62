"""The admins' pages: the queue of open reports, hiding posts, suspending accounts (and undoing
both), dismissing reports, and the moderation log. Anyone else gets 403. Servers elsewhere
are told of a suspension (the Delete of the account's actor) and of its end (an Update)."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.activitypub import outbox
from app.extensions import db
from app.models import ModerationLog, Report
from app.models.types import MAX_ID
from app.moderation.forms import ModerationForm
from app.moderation.routes import bp, get_user_or_404
from app.pagination import paginate, requested_page
from app.post_lookup import get_post_or_404
from app.security import safe_next_url


def admin_required(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _done(changed: bool, message: str, fallback: str):
    if changed:
        db.session.commit()
        flash(message, "success")
    return redirect(safe_next_url(request.args.get("next")) or fallback)


def _reason() -> str:
    form = ModerationForm()
    if not form.validate_on_submit():
        abort(400)
    return form.reason.data or ""


@bp.route("/admin/reports")
@admin_required
def queue():
    """The open reports, oldest first, with what an admin can do about each."""
    page = paginate(Report.open_reports(), requested_page(), current_app.config["POSTS_PER_PAGE"])
    return render_template(
        "moderation/queue.html", title=_("Reports"), page=page, form=ModerationForm()
    )


@bp.route("/admin/log")
@admin_required
def log():
    """Every moderation action, newest first."""
    page = paginate(ModerationLog.newest_first(), requested_page(), 50)
    return render_template("moderation/log.html", title=_("Moderation log"), page=page)


@bp.route("/admin/reports/<int:report_id>/dismiss", methods=["POST"])
@admin_required
def dismiss(report_id: int):
    """Close a report without acting on it."""
    report = (db.session.get(Report, report_id) if report_id <= MAX_ID else None) or abort(404)
    changed = current_user.dismiss_report(report, _reason())
    return _done(changed, _("Report dismissed."), url_for(".queue"))


@bp.route("/admin/posts/<int:post_id>/<any(hide, unhide):change>", methods=["POST"])
@admin_required
def hide_post(post_id: int, change: str):
    """Hide a post from every list, or list it again."""
    post = get_post_or_404(post_id)
    reason = _reason()
    if change == "hide":
        if changed := current_user.hide_post(post, reason):
            Report.resolve_all_about(post_id=post.id)
        message = _("The post is hidden.")
    else:
        changed, message = current_user.unhide_post(post, reason), _("The post is listed again.")
    return _done(changed, message, url_for(".queue"))


@bp.route("/admin/users/<username>/<any(suspend, unsuspend):change>", methods=["POST"])
@admin_required
def suspend(username: str, change: str):
    """Suspend an account, or lift its suspension; servers elsewhere are told."""
    user = get_user_or_404(username)
    reason, profile = _reason(), url_for("main.user", username=user.username)
    if change == "unsuspend":
        changed = current_user.unsuspend(user, reason)
        message = _("%(username)s is no longer suspended.", username=user.username)
        response = _done(changed, message, profile)
        if changed:
            outbox.publish_return(user)
        return response
    told = None
    if changed := current_user.suspend(user, reason):
        Report.resolve_all_about(target_id=user.id)
        told = outbox.farewell(user)
    response = _done(changed, _("%(username)s is suspended.", username=user.username), profile)
    outbox.send(told)
    return response
