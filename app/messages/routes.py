"""Private messages between users, and the notifications the page polls for."""

import math

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from app.activitypub import direct
from app.auth.confirmation import confirmed_required
from app.database import READS_ONLY
from app.extensions import db
from app.messages.forms import MarkReadForm, MessageForm
from app.models import Message, Notification, user_by_username, utcnow
from app.models.conversations import correspondents
from app.pagination import Page, paginate, paginate_rows, requested_page

bp = Blueprint("messages", __name__)


@bp.route("/send_message/<recipient>", methods=["GET", "POST"])
@login_required
@confirmed_required
def send_message(recipient: str):
    """Write a private message to someone."""
    user = user_by_username(recipient) or abort(404)
    if user.id == current_user.id:
        flash(_("You cannot send a private message to yourself."), "warning")
        return redirect(url_for("main.user", username=user.username))
    if current_user.either_blocks(user):
        flash(_("You cannot send messages to %(username)s.", username=user.username), "warning")
        return redirect(url_for("main.user", username=user.username))
    form = MessageForm()
    refused = direct.refusal(current_user, user) if user.is_remote else None
    if refused is None and form.validate_on_submit():
        message = Message(
            sender_id=current_user.id, recipient_id=user.id, body=form.message.data.strip()
        )
        db.session.add(message)
        Notification.replace(user, "unread_message_count", user.count_unread_messages())
        db.session.commit()
        direct.publish_message(message)
        flash(_("Your message has been sent."), "success")
        return redirect(url_for("main.user", username=user.username))
    return render_template(
        "messages/send_message.html", title=_("Send message"), form=form, recipient=user,
        refused=refused,
    )  # fmt: skip


@bp.route("/messages")
@login_required
def messages():
    """Read the private messages you received, newest first (marked read by mark_read)."""
    number = requested_page()
    query = Message.received_by(current_user).options(joinedload(Message.author))
    page = paginate(query, number, current_app.config["POSTS_PER_PAGE"])
    form = MarkReadForm(until=utcnow())
    return render_template(
        "messages/messages.html", title=_("Messages"), page=page, mark_read_form=form
    )


def _page_of(query) -> Page:
    return paginate(query, requested_page(), current_app.config["POSTS_PER_PAGE"])


@bp.route("/messages/sent")
@login_required
def sent():
    """Read the private messages you sent, newest first."""
    page = _page_of(Message.sent_by(current_user).options(joinedload(Message.recipient)))
    return render_template("messages/sent.html", title=_("Sent messages"), page=page)


@bp.route("/messages/conversations")
@login_required
def conversations():
    """Everyone you have exchanged messages with, the most recent conversation first."""
    number, per_page = requested_page(), current_app.config["POSTS_PER_PAGE"]
    page = paginate_rows(correspondents(current_user), number, per_page)
    return render_template("messages/conversations.html", title=_("Conversations"), page=page)


@bp.route("/messages/with/<username>")
@login_required
def conversation(username: str):
    """The messages you and one other person sent each other, newest first."""
    other = user_by_username(username) or abort(404)
    if other.id == current_user.id:
        return redirect(url_for(".conversations"))
    page = _page_of(Message.between(current_user, other).options(joinedload(Message.author)))
    title = _("Conversation with %(username)s", username=other.username)
    return render_template("messages/conversation.html", title=title, page=page, other=other)


@bp.route("/messages/read", methods=["POST"])
@login_required
def mark_read():
    """Mark your messages read: a POST behind CSRF, which the messages page sends as it opens."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    Message.mark_read(current_user, form.until.data)
    unread = current_user.count_unread_messages()
    Notification.replace(current_user, "unread_message_count", unread)
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(unread=unread)
    return redirect(url_for(".messages"))


def parse_since(value: str | None) -> float | None:
    """The ?since= time: 0 when absent or not a number, None when it is not a finite one."""
    try:
        since = float(value or 0)
    except ValueError:
        return 0.0
    return since if math.isfinite(since) else None


@bp.route("/notifications")
@login_required
def notifications():
    """What changed for you since ?since= (seconds since the epoch), as JSON."""
    since = parse_since(request.args.get("since"))
    if since is None:
        return jsonify(error=_("since must be a finite number of seconds.")), 400
    found = db.session.scalars(
        Notification.since(current_user, since), execution_options=READS_ONLY
    )
    return jsonify(
        [{"name": n.name, "data": n.get_data(), "timestamp": n.timestamp} for n in found]
    )
