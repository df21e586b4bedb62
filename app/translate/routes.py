"""POST /translate: a post's text in the reader's language, as JSON for the page's script."""

import re

from flask import Blueprint, current_app, jsonify, request
from flask_babel import _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from app.extensions import limiter
from app.translate.clients import TranslationError, check_settings, make_translator

bp = Blueprint("translate", __name__)

MAX_TEXT_LENGTH = 280
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")


@bp.record_once
def check_translator_settings(state) -> None:
    check_settings(state.app.config)


def json_error(message: str, status: int):
    return jsonify(error=message), status


def read_request() -> tuple[str, str, str] | str:
    """The text and the two languages from the JSON body, or why they are unusable."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _("Send a JSON object with text, source_language and dest_language.")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return _("There is no text to translate.")
    if len(text) > MAX_TEXT_LENGTH:
        return _("The text is longer than %(limit)d characters.", limit=MAX_TEXT_LENGTH)
    languages = data.get("source_language"), data.get("dest_language")
    for language in languages:
        if not isinstance(language, str) or not LANGUAGE_TAG.fullmatch(language):
            return _("Unknown language code.")
    source, dest = languages
    assert isinstance(source, str) and isinstance(dest, str)  # checked just above
    return text, source, dest


def reader_key() -> str:
    # Per reader, not per address: every call may cost money at the translation service.
    return (
        f"reader:{current_user.id}"
        if current_user.is_authenticated
        else (request.remote_addr or "")
    )


@bp.route("/translate", methods=["POST"])
@limiter.limit(lambda: current_app.config["TRANSLATE_RATE_LIMIT"], key_func=reader_key)
def translate():
    """Translate a post's text for the reader who clicked its Translate link."""
    if not current_user.is_authenticated:
        return json_error(_("Please log in to access this page."), 401)
    translator = make_translator(current_app.config)
    if translator is None:
        return json_error(_("Translation is not enabled on this site."), 404)
    parsed = read_request()
    if isinstance(parsed, str):
        return json_error(parsed, 400)
    try:
        return jsonify(text=translator.translate(*parsed))
    except TranslationError as error:
        current_app.logger.warning("Translation failed: %s", error)
        if error.timed_out:
            return json_error(_("The translation service did not answer in time."), 502)
        return json_error(_("The translation service failed. Please try again later."), 502)


# The page's script reads JSON, so errors on this route (a missing CSRF token is a 400)
# answer in JSON rather than with the site's HTML error page.
@bp.errorhandler(400)
@bp.errorhandler(413)
@bp.errorhandler(415)
@bp.errorhandler(429)
def http_error(error: HTTPException):
    return json_error(error.description or error.name, error.code or 400)
