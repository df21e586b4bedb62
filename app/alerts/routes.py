"""Alerts: the page of what others did that concerns you (mentions), and marking it read.

(/notifications, the JSON the pages poll, is the messages blueprint's.)"""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import _
from flask_login import current_user, login_required

from app.alerts.forms import MarkAlertsReadForm
from app.extensions import db
from app.models import Alert, utcnow
from app.pagination import paginate, requested_page

bp = Blueprint("alerts", __name__)


@bp.route("/alerts")
@login_required
def alerts():
    """Read who mentioned you, newest first (marked read by mark_read as the page opens)."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    page = paginate(Alert.received_by(current_user), requested_page(), per_page)
    form = MarkAlertsReadForm(until=utcnow())
    return render_template(
        "alerts/alerts.html", title=_("Notifications"), page=page, mark_read_form=form
    )


@bp.route("/alerts/read", methods=["POST"])
@login_required
def mark_read():
    """Mark your alerts read: a POST behind CSRF, which the alerts page sends as it opens."""
    form = MarkAlertsReadForm()
    if not form.validate_on_submit():
        abort(400)
    current_user.mark_alerts_read(form.until.data)
    db.session.commit()
    unread = current_user.count_unread_alerts()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(unread=unread)
    return redirect(url_for(".alerts"))
