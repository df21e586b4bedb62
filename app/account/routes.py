"""Account settings: one page that leads to every way of changing how you sign in."""

from flask import Blueprint, render_template
from flask_babel import _
from flask_login import login_required

bp = Blueprint("account", __name__)


@bp.route("/")
@login_required
def settings():
    """The list of account settings."""
    return render_template("account/settings.html", title=_("Account settings"))
