"""POST /theme: the navbar's light, dark or system colour theme, kept on the signed-in
user (so every device they sign in on shows it) and in a cookie (for visitors).

The server writes the theme into <html data-bs-theme>, so the first paint is right with no
script; "auto" is resolved by a media query in static/color-modes.css.
"""

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_login import current_user

from app.extensions import db
from app.security import safe_next_url
from app.theme.forms import THEMES, ThemeForm

bp = Blueprint("theme", __name__)

THEME_COOKIE = "theme"
THEME_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@bp.app_template_global()
def color_mode() -> str:
    """The reader's theme: "light", "dark", or "auto" (the system's) until they pick; a
    signed-in user's pick (loaded with them: no query) before this browser's cookie."""
    if current_user.is_authenticated and current_user.theme in THEMES:
        return current_user.theme
    theme = request.cookies.get(THEME_COOKIE)
    return theme if theme in THEMES else "auto"


def remember_theme(response: Response, theme: str) -> None:
    response.set_cookie(
        THEME_COOKIE,
        theme,
        max_age=THEME_COOKIE_MAX_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


@bp.route("/theme", methods=["POST"])
def choose():
    """Show the site light, dark or as your system is set, now and on your next visits."""
    form = ThemeForm()
    if not form.validate_on_submit():
        # The picker offers only valid themes: anything else was not sent by it.
        abort(400)
    if current_user.is_authenticated:
        current_user.theme = form.theme.data
        db.session.commit()
    response = redirect(safe_next_url(form.next.data) or url_for("main.front"))
    remember_theme(response, form.theme.data)
    return response
