"""Images in posts: decoding and encoding them again (images.py), storing them (storage.py),
taking them from a form or the API (uploads.py) and serving them (routes.py)."""

from pathlib import Path

from flask import Flask

from app.media.routes import bp
from app.media.uploads import allow_uploads


def init_app(app: Flask) -> None:
    if not app.config.get("MEDIA_FOLDER"):
        app.config["MEDIA_FOLDER"] = str(Path(app.instance_path) / "media")
    # A URL value preprocessor runs before every before_request function, so before anything
    # (the CSRF check, the NUL check) reads the body.
    app.url_value_preprocessor(allow_uploads)
    app.register_blueprint(bp)


__all__ = ["bp", "init_app"]
