"""GET /media/<key>: the stored file with its type, never sniffed, shown inline, cached for
good; a 404 for anything else, and no way out of the folder."""

import pytest

from app.media.storage import LocalStorage, new_key, valid_key
from tests.media import samples


@pytest.fixture
def stored(app):
    key = new_key("png")
    LocalStorage(app.config["MEDIA_FOLDER"]).save(key, samples.png(), "image/png")
    return key


def test_a_stored_image_is_served_with_safe_long_lived_headers(client, stored):
    with client.get(f"/media/{stored}") as response:
        assert response.status_code == 200
        assert response.data == samples.png()
        headers = response.headers
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Disposition"] == "inline"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/media/00/00000000000000000000000000000000.png",  # a key with no file
        "/media/../config.py",
        "/media/..%2f..%2fconfig.py",
        "/media/%2e%2e/%2e%2e/config.py",
        "/media/ab/ab.png",
        "/media/ab/0123456789abcdef0123456789abcdef.html",
        "/media/AB/0123456789ABCDEF0123456789ABCDEF.png",
    ],
)
def test_anything_else_is_a_404(client, stored, path):
    assert client.get(path).status_code == 404


def test_keys_are_random_and_only_keys_reach_the_disk(tmp_path):
    keys = {new_key("jpg") for _ in range(50)}
    assert len(keys) == 50 and all(valid_key(key) for key in keys)
    storage = LocalStorage(tmp_path)
    for bad in ("../x.png", "/etc/passwd", "ab/../../x.png", "x.png"):
        assert storage.open(bad) is None
        storage.delete(bad)  # ignored
        with pytest.raises(ValueError):
            storage.save(bad, b"", "image/png")


def test_storage_saves_opens_deletes(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    key = new_key("webp")
    storage.save(key, b"bytes", "image/webp")
    with storage.open(key) as file:
        assert file.read() == b"bytes"
    assert storage.keys() == [key]
    storage.delete(key)
    storage.delete(key)  # a missing file is not an error
    assert storage.open(key) is None and storage.keys() == []
