"""Error pages: one handler per status, and a clear page when the database is unavailable."""

import math
import time

from flask import Flask, Response, abort, current_app, flash, g, redirect, render_template, request
from flask_babel import _, format_decimal
from flask_login import login_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from werkzeug.exceptions import (
    HTTPException,
    RequestEntityTooLarge,
    SecurityError,
    ServiceUnavailable,
)

from app.api.errors import error_response, is_api_request
from app.database import schema_advice
from app.extensions import db, limiter, login
from app.media.uploads import receives_images


def wants_json_response() -> bool:
    """JSON for the API, and for a client that rates JSON at least as high as HTML (the
    tutorial's test). Without an Accept header a client rates neither: it gets the page."""
    accept = request.accept_mimetypes
    return is_api_request() or 0 < accept["application/json"] >= accept["text/html"]


def sign_in_first():
    """A page that needs sign-in sends a visitor to the login page, as Flask-Login would; a
    script's request (the navbar's polling, a user card) gets a JSON 401 and leaves the session
    alone. Followed by fetch(), the redirect would render the login page in the background:
    on a session without a CSRF token that page writes a new one, and the cookie it sets
    spoils the token of a login form open in the same browser ("CSRF tokens do not match")."""
    if wants_json_response():
        abort(401, description=_("Please log in to access this page."))
    flash(login.login_message, category=login.login_message_category)
    return redirect(login_url(login.login_view, next_url=request.url))


def http_error(error: HTTPException):
    """Any other HTTP error (400, 403, 405, 413…) on the site's own page."""
    if wants_json_response():
        return error_response(error)
    # A view's own description says what went wrong; Werkzeug's stock one is not translated.
    message = error.description if error.description != type(error).description else None
    return render_template("errors/error.html", error=error, message=message), error.code


def untrusted_host(error: SecurityError):
    """A Host header that is not this site's: plain text, as no link may be built on it."""
    if wants_json_response():
        return error_response(error)
    return Response(f"{error.description}\n", 400, mimetype="text/plain")


def not_found(error: HTTPException):
    if wants_json_response():
        return error_response(error)
    return render_template("errors/404.html"), 404


def too_large(error: HTTPException):
    """A body over the limit: say what the limit is, and for images, what each may weigh."""
    megabytes = format_decimal(round((request.max_content_length or 0) / 2**20, 1))
    message = _("What you sent is too large: at most %(size)s MB is accepted here.", size=megabytes)
    if receives_images():
        each = format_decimal(round(current_app.config["MEDIA_MAX_BYTES"] / 2**20, 1))
        message += " " + _("Images may be at most %(size)s MB each, four per post.", size=each)
    if wants_json_response():
        return error_response(RequestEntityTooLarge(description=message))
    return render_template("errors/413.html", message=message), 413


def too_many_requests(error: HTTPException):
    """A 429 that says when to try again (Retry-After), as servers and scripts heed it."""
    if wants_json_response():
        response = error_response(error)
    else:
        response = current_app.make_response((render_template("errors/429.html"), 429))
    response.headers["Retry-After"] = str(retry_after())
    return response


def retry_after() -> int:
    """Seconds until the limit this request broke lets it through again (a minute if unknown)."""
    broken = limiter.current_limit
    if broken is None:
        return 60
    return max(1, math.ceil(broken.reset_at - time.time()))


def internal_error(error: HTTPException):
    db.session.rollback()
    if wants_json_response():
        return error_response(error)
    return render_template("errors/500.html"), 500


def database_unavailable(error: Exception):
    """A database that is down or behind its migrations gets a 503, not a stack trace."""
    db.session.rollback()
    # Render as a visitor: Flask-Login's template context would load the user again from
    # the database that just failed, raising inside this handler.
    g._login_user = login.anonymous_user()
    current_app.logger.error("Database error: %s", error)
    try:
        advice = schema_advice(_)
    except OperationalError:
        advice = None
    message = advice or _("The site is briefly unavailable. Please try again.")
    if wants_json_response():
        return error_response(ServiceUnavailable(description=message))
    return render_template("errors/503.html", message=message, behind=advice is not None), 503


def end_session(error: BaseException | None) -> None:
    """Close the request's session even when the database dropped the connection meanwhile
    (a restart cuts it between the last query and the closing ROLLBACK): the page has been
    answered, so that ROLLBACK failing must not turn it into a 500."""
    try:
        db.session.remove()
    except DBAPIError as failure:
        current_app.logger.warning("Discarding a database connection that broke: %s", failure)
        db.session().invalidate()
        db.session.remove()


def init_app(app: Flask) -> None:
    login.unauthorized_handler(sign_in_first)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(SecurityError, untrusted_host)
    app.register_error_handler(404, not_found)
    app.register_error_handler(413, too_large)
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(500, internal_error)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(ProgrammingError, database_unavailable)
    # Registered after db.init_app, so it runs before Flask-SQLAlchemy's own teardown.
    app.teardown_appcontext(end_session)
