"""Follow requests: a user who approves their followers (the edit-profile page) accepts or
rejects each person asking, from this site or another (app/models/follow_request.py)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.activitypub import outbox
from app.extensions import db
from app.forms import EmptyForm
from app.models import FollowRequest

bp = Blueprint("follow_requests", __name__)


def own_request_or_404(id: int) -> FollowRequest:
    request = db.session.get(FollowRequest, id)
    if request is None or request.followed_id != current_user.id:
        abort(404)
    return request


@bp.route("/follow-requests")
@login_required
def requests():
    """The people asking to follow you, oldest first."""
    waiting = db.session.scalars(FollowRequest.awaiting(current_user)).all()
    return render_template(
        "follow_requests/requests.html", title=_("Follow requests"), waiting=waiting
    )


@bp.route("/follow-requests/<int:id>/<any(accept, reject):answer>", methods=["POST"])
@login_required
def answer(id: int, answer: str):
    """Accept or reject one request."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    request = own_request_or_404(id)
    name = request.follower.username
    # Told to the follower's server, if they are on another: built before the request goes.
    reply = outbox.answer_request(request, accepted=answer == "accept")
    if answer == "accept":
        request.accept()
        flash(_("%(username)s follows you now.", username=name), "success")
    else:
        request.reject()
        flash(_("You turned down %(username)s.", username=name), "info")
    db.session.commit()
    outbox.send(reply)
    return redirect(url_for(".requests"))
