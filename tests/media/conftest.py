from pathlib import Path

import pytest

from app.models import utcnow


@pytest.fixture
def susan(make_user, auth):
    """A confirmed user, signed in."""
    user = make_user("susan", confirmed_at=utcnow())
    auth.login()
    return user


@pytest.fixture
def media_files(app):
    """The files in the app's MEDIA_FOLDER, as a sorted list of keys, at each call."""

    def files() -> list[str]:
        folder = Path(app.config["MEDIA_FOLDER"])
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())

    return files
