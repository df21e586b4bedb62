"""Where image files are kept, behind a small interface: a local folder by default.

Another kind (S3-compatible object storage, say) would be a class with the same four methods
(save, open, delete, url) chosen by a setting in storage(); keys are random and never reused,
so whatever serves them may cache them forever.
"""

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app, url_for

# Two hex characters of fan-out, 32 random hex characters, the format's extension.
KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{32}\.(jpg|png|webp)")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def new_key(extension: str) -> str:
    """A fresh random key for a file of this extension: never the uploaded file's name."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}.{extension}"


def valid_key(key: str) -> bool:
    return KEY.fullmatch(key) is not None


def content_type_of(key: str) -> str:
    return CONTENT_TYPES[key.rsplit(".", 1)[1]]


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...

    def open(self, key: str) -> BinaryIO | None:
        """The file's bytes to read, or None if there is no such file."""

    def delete(self, key: str) -> None:
        """Remove the file; a missing one is not an error."""

    def url(self, key: str) -> str: ...


class LocalStorage:
    """Files in a folder (MEDIA_FOLDER), served by the media blueprint."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        # Only keys made by new_key() reach the disk: no "..", no absolute path.
        if not valid_key(key):
            raise ValueError(f"not a media key: {key!r}")
        return self.folder / key

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO | None:
        if not valid_key(key):
            return None
        try:
            return self.path(key).open("rb")
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        if valid_key(key):
            self.path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return url_for("media.file", key=key)

    def keys(self, written_before: float = float("inf")) -> list[str]:
        """Every stored key whose file was written before this time (for `flask media prune`)."""
        found = (
            path.relative_to(self.folder).as_posix()
            for path in self.folder.glob("*/*")
            if path.stat().st_mtime < written_before
        )
        return sorted(key for key in found if valid_key(key))


def media_url(key: str) -> str:
    """Where a stored image is served from."""
    return storage().url(key)


def storage() -> LocalStorage:
    """The app's storage of image files."""
    return LocalStorage(current_app.config["MEDIA_FOLDER"])
