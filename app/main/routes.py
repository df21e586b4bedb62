"""The pages of the microblog itself."""

from flask import Blueprint, render_template
from flask_babel import _
from flask_login import current_user, login_required

from app.extensions import db
from app.main.forms import EmptyForm

bp = Blueprint("main", __name__)


@bp.app_context_processor
def inject_button_form() -> dict:
    return {"logout_form": EmptyForm()}


@bp.before_app_request
def record_last_seen() -> None:
    if current_user.is_authenticated and current_user.seen_now():
        db.session.commit()


@bp.route("/")
@bp.route("/index")
@login_required
def index():
    """The home page of a logged-in user."""
    return render_template("main/index.html", title=_("Home"))
