"""POST /language: the navbar's language picker."""

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user

from app.extensions import db
from app.i18n import remember_language
from app.language.forms import LanguageForm
from app.security import safe_next_url

bp = Blueprint("language", __name__)


@bp.route("/language", methods=["POST"])
def choose():
    """Show the site in the language you picked, now and on your next visits."""
    form = LanguageForm()
    if not form.validate_on_submit():
        # The picker offers only valid languages: anything else was not sent by it.
        abort(400)
    if current_user.is_authenticated:
        current_user.locale = form.language.data
        db.session.commit()
    response = redirect(safe_next_url(form.next.data) or url_for("main.index"))
    remember_language(response, form.language.data)
    return response
