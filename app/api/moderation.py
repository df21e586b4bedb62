"""Blocks, mutes and reports through the API (the site's moderation blueprint, for tokens)."""

from flask import request, url_for
from flask_babel import _

from app.api.auth import token_required, token_user
from app.api.blueprint import bp
from app.api.errors import fail
from app.api.inputs import json_object, text_fields
from app.api.posts import get_listed_post_or_403
from app.api.users import get_user_or_404
from app.extensions import db
from app.models import Report
from app.models.report import DETAILS_MAX, REASONS
from app.models.types import iso
from app.rate_limits import report_limits

# Each verb, and its undo, by the path's last segment.
VERBS = {"block": ("block", "unblock"), "mute": ("mute", "unmute")}


@bp.route("/users/<id:id>/block", methods=["POST", "DELETE"], defaults={"kind": "block"})
@bp.route("/users/<id:id>/mute", methods=["POST", "DELETE"], defaults={"kind": "mute"})
@token_required
def change_block(id: int, kind: str):
    """Block or mute a user (POST), or undo it (DELETE)."""
    user = get_user_or_404(id)
    if user.id == token_user().id:
        fail(400, _("You cannot do that to yourself."))
    do, undo = VERBS[kind]
    getattr(token_user(), do if request.method == "POST" else undo)(user)
    db.session.commit()
    return "", 204


def report_to_dict(report: Report) -> dict:
    return {
        "id": report.id,
        "reason": report.reason,
        "details": report.details,
        "created_at": iso(report.created_at),
        "user": url_for("api.get_user", id=report.target_id),
        "post": url_for("api.get_post", id=report.post_id) if report.post_id else None,
    }


def file_report(target, post) -> tuple[dict, int]:
    fields = text_fields(json_object(), required=("reason",), optional=("details",))
    reason, details = fields["reason"] or "", fields.get("details") or ""
    if reason not in REASONS:
        message = _("One of: %(reasons)s.", reasons=", ".join(REASONS))
        fail(400, _("The request has invalid fields."), {"reason": [message]})
    if len(details) > DETAILS_MAX:
        message = _("At most %(count)d characters.", count=DETAILS_MAX)
        fail(400, _("The request has invalid fields."), {"details": [message]})
    report = Report.file(token_user(), target, post, reason, details)
    db.session.commit()
    return report_to_dict(report), 201


@bp.post("/users/<id:id>/report")
@token_required
@report_limits
def report_user(id: int):
    """Tell the admins a user breaks the rules."""
    return file_report(get_user_or_404(id), None)


@bp.post("/posts/<id:id>/report")
@token_required
@report_limits
def report_post(id: int):
    """Tell the admins a post breaks the rules (one not hidden already)."""
    post = get_listed_post_or_403(id)
    return file_report(post.author, post)
