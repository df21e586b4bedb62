"""Posting images from the home page's form: stored with their alt text and shown in lists,
or refused with a clear error that leaves no row and no file behind."""

import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Post, PostImage, utcnow
from tests.conftest import add_user
from tests.media import samples
from tests.settings import PASSWORD

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def upload(data: bytes, name: str = "photo.jpg"):
    return (io.BytesIO(data), name)


def bad(data: bytes, name: str) -> dict:
    """Form fields with one bad image, as the second of the post."""
    return {"image_2": upload(data, name), "alt_2": "x"}


def post_form(client, body="Look!", **fields):
    return client.post("/index", data={"post": body, **fields}, content_type="multipart/form-data")


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Post)),
            db.session.scalar(select(func.count()).select_from(PostImage)),
        )


def test_the_form_is_multipart_with_four_images_and_their_descriptions(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    add_user(app, "susan", confirmed_at=utcnow())
    client = app.test_client()
    token = CSRF.search(client.get("/auth/login").text).group(1)
    client.post(
        "/auth/login", data={"username": "susan", "password": PASSWORD, "csrf_token": token}
    )
    home = client.get("/index").text
    assert '<form action="" method="post" enctype="multipart/form-data" novalidate>' in home
    token = CSRF.search(home).group(1)
    for n in range(1, 5):
        assert f'name="image_{n}" type="file"' in home and f'name="alt_{n}"' in home
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in home
    # The CSRF check still holds for a multipart post.
    fields = {"post": "hi", "image_1": upload(samples.jpeg()), "alt_1": "a flag"}
    refused = client.post("/index", data=fields, content_type="multipart/form-data")
    assert refused.status_code == 400
    fields = {"post": "hi", "image_1": upload(samples.jpeg()), "alt_1": "a flag"}
    accepted = client.post(
        "/index", data={**fields, "csrf_token": token}, content_type="multipart/form-data"
    )
    assert accepted.status_code == 302
    assert counts(app) == (1, 1)


def test_a_post_with_two_images_shows_them_in_the_lists(app, client, susan, media_files):
    response = post_form(
        client,
        image_1=upload(samples.jpeg(size=(800, 600))),
        alt_1="A red and blue flag",
        image_3=upload(samples.png(), "x.png"),
        alt_3="A green square",
    )
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalar(select(Post))
        images = post.images
        assert post.image_count == 2
        assert [(i.position, i.alt, i.content_type) for i in images] == [
            (0, "A red and blue flag", "image/jpeg"),
            (1, "A green square", "image/png"),
        ]
        keys = sorted(key for image in images for key in image.keys)
        first = images[0]
        full, thumbnail = f"/media/{first.key}", f"/media/{first.thumbnail_key}"
    assert media_files() == keys
    assert not any("photo" in key for key in keys)  # never the uploaded file's name
    for path in ("/index", "/explore", "/user/susan"):
        page = client.get(path).text
        assert (
            f'<a href="{full}"><img class="img-fluid rounded border" src="{thumbnail}"'
            ' alt="A red and blue flag" width="400" height="300" loading="lazy"></a>'
        ) in page, path
        assert 'alt="A green square"' in page
    with client.get(full) as response:
        assert response.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"image_1": upload(samples.jpeg()), "alt_1": "  "}, "Describe this image"),
        (
            {"image_2": upload(b"not an image", "notes.png"), "alt_2": "x"},
            "This file is not an image",
        ),
        ({"image_1": upload(samples.png_bomb(), "bomb.png"), "alt_1": "x"}, "too many pixels"),
        ({"image_1": upload(samples.truncated_jpeg()), "alt_1": "x"}, "damaged or incomplete"),
        (
            {"image_1": upload(samples.gif_js_polyglot(), "a.gif"), "alt_1": "x"},
            "not only an image",
        ),
        ({"image_1": upload(samples.png_with_html(), "a.png"), "alt_1": "x"}, "not only an image"),
    ],
    ids=["no alt", "text file", "bomb", "truncated", "gif+js", "png+html"],
)
def test_a_bad_image_is_a_form_error_and_nothing_is_kept(
    app, client, susan, media_files, fields, error
):
    fields = {"image_4": upload(samples.jpeg()), "alt_4": "a good one", **fields}
    response = post_form(client, **fields)
    assert response.status_code == 200
    assert error in response.text
    assert '<details class="post-images mb-3" open>' in response.text
    assert counts(app) == (0, 0)
    assert media_files() == []


def test_an_image_over_the_size_limit_is_a_form_error(app, client, susan, media_files):
    app.config["MEDIA_MAX_BYTES"] = 20_000
    big = samples.jpeg(size=(1500, 1500)) + b"\0" * 30_000
    response = post_form(client, image_1=upload(big), alt_1="big")
    assert response.status_code == 200
    assert "The image is too large" in response.text
    assert counts(app) == (0, 0) and media_files() == []


def test_a_request_over_the_upload_limit_says_what_the_limits_are(app, client, susan):
    app.config["MEDIA_MAX_BYTES"] = 20_000
    fields = {f"image_{n}": upload(b"x" * 100_000) for n in range(1, 5)}
    response = post_form(client, **fields)
    assert response.status_code == 413
    assert "What you sent is too large: at most 0.3 MB is accepted here." in response.text
    assert "Images may be at most 0 MB each, four per post." in response.text
    assert counts(app) == (0, 0)


def test_other_forms_keep_the_smaller_body_limit(client, susan):
    response = client.post("/edit_profile", data={"about_me": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "at most 1 MB is accepted here." in response.text
    assert "Images may be" not in response.text


def test_a_failed_commit_leaves_no_file(app, client, susan, media_files, monkeypatch):
    def fail():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(RuntimeError):
        post_form(client, image_1=upload(samples.jpeg()), alt_1="a flag")
    monkeypatch.undo()
    assert media_files() == []
    assert counts(app) == (0, 0)
