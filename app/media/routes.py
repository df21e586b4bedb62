"""Serving stored images: the right type, never sniffed, cached for good (keys never change)."""

from flask import Blueprint, abort, send_file

from app.media.storage import content_type_of, media_url, storage, valid_key

bp = Blueprint("media", __name__)
bp.add_app_template_global(media_url)


# A year: a key's file never changes (a new image gets a new key).
FOREVER = 31536000


@bp.route("/media/<path:key>")
def file(key: str):
    """An image or thumbnail of a post."""
    stored = storage().open(key) if valid_key(key) else None
    if stored is None:
        abort(404)
    response = send_file(stored, mimetype=content_type_of(key), max_age=FOREVER, etag=False)
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.immutable = True
    return response
