"""Starting background tasks from the pages."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.forms import EmptyForm
from app.i18n import select_locale
from app.tasks.runner import TaskNotStarted

bp = Blueprint("tasks", __name__)


@bp.route("/export_posts", methods=["POST"])
@login_required
def export_posts():
    """Start emailing you a JSON file of all your posts."""
    if EmptyForm().validate_on_submit():
        try:
            task = current_user.launch_task("export_posts", _("Exporting posts…"), select_locale())
        except TaskNotStarted:
            flash(_("The export could not be started. Please try again later."), "danger")
        else:
            if task is None:
                flash(_("An export task is currently in progress"), "warning")
            else:
                flash(_("Your posts are being exported; they will arrive by email."), "info")
    return redirect(url_for("main.user", username=current_user.username))
