"""JSON errors: every failure under /api/ answers {"error", "message"} with its status."""

from typing import NoReturn

from flask import Response, current_app, jsonify, request
from flask_babel import _
from sqlalchemy.exc import OperationalError, ProgrammingError
from werkzeug.exceptions import HTTPException, ServiceUnavailable, default_exceptions

from app.api.blueprint import bp
from app.extensions import db

# Headers an error carries for the client (Allow on 405, WWW-Authenticate on 401...).
PASSED_HEADERS = {"allow", "www-authenticate", "retry-after"}


def is_api_request() -> bool:
    """True for requests to the API, including paths under /api/ that match no route."""
    return request.blueprint == "api" or request.path == "/api" or request.path.startswith("/api/")


def fail(status: int, message: str, fields: dict[str, list[str]] | None = None) -> NoReturn:
    """Stop the request with this status, a message and, for bad input, messages per field."""
    error = default_exceptions[status](description=message)
    error.fields = fields  # type: ignore[attr-defined]
    raise error


def error_response(error: HTTPException) -> Response:
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    body: dict = {"error": error.name, "message": error.description}
    fields = getattr(error, "fields", None)
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() in PASSED_HEADERS:
            response.headers[name] = value
    return response


@bp.errorhandler(HTTPException)
def api_http_error(error: HTTPException):
    return error_response(error)


@bp.errorhandler(OperationalError)
@bp.errorhandler(ProgrammingError)
def api_database_unavailable(error: Exception):
    """A database that is down or behind its migrations: a JSON 503, as the site's pages get."""
    current_app.logger.error("Database error: %s", error)
    message = _("The service is briefly unavailable. Please try again.")
    return error_response(ServiceUnavailable(description=message))
