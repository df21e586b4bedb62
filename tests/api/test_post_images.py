"""POST /api/posts as multipart/form-data: a post with up to four images and their alt text,
shown in the post's JSON; bad images are a 400 naming the field, and leave nothing behind."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Post, PostImage, utcnow
from tests.media import samples


@pytest.fixture
def susan(make_user):
    return make_user("susan", confirmed_at=utcnow())


def send(client, headers, body="pictures", images=(), alts=()):
    data = {"body": body, "image": [(io.BytesIO(d), f"{n}.bin") for n, d in enumerate(images)]}
    data["alt"] = list(alts)
    return client.post("/api/posts", data=data, headers=headers, content_type="multipart/form-data")


def stored(app) -> tuple[int, int, int]:
    folder = Path(app.config["MEDIA_FOLDER"])
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Post)),
            db.session.scalar(select(func.count()).select_from(PostImage)),
            sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0,
        )


def test_a_post_with_images(app, client, susan, headers):
    response = send(
        client,
        headers,
        images=[samples.jpeg(size=(800, 400), orientation=6, gps=True), samples.webp()],
        alts=["A flag", "A yellow field"],
    )
    assert response.status_code == 201, response.json
    images = response.json["images"]
    assert [(i["alt"], i["content_type"]) for i in images] == [
        ("A flag", "image/jpeg"),
        ("A yellow field", "image/webp"),
    ]
    assert (images[0]["width"], images[0]["height"]) == (400, 800)  # turned upright
    assert (images[0]["thumbnail_width"], images[0]["thumbnail_height"]) == (200, 400)
    with client.get(images[0]["_links"]["self"]) as served:
        assert served.status_code == 200 and served.content_type == "image/jpeg"
        assert b"GPS" not in served.data
    assert client.get("/api/posts", headers=headers).json["items"][0]["images"] == images
    assert stored(app) == (1, 2, 4)


def test_a_json_post_has_no_images(client, susan, headers):
    response = client.post("/api/posts", json={"body": "words only"}, headers=headers)
    assert response.status_code == 201 and response.json["images"] == []
    response = send(client, headers, body="words only, as a form")
    assert response.status_code == 201 and response.json["images"] == []


@pytest.mark.parametrize(
    ("images", "alts", "field", "message"),
    [
        ([samples.jpeg()], [], "alt", "Describe each image"),
        ([samples.jpeg()], ["  "], "alt", "Describe each image"),
        ([samples.jpeg()] * 5, ["x"] * 5, "image", "At most 4 images."),
        ([samples.jpeg(), b"plain text"], ["x", "y"], "image", "Image 2: This file is not an"),
        ([samples.png_bomb()], ["x"], "image", "Image 1: The image has too many pixels"),
        ([samples.gif_js_polyglot()], ["x"], "image", "Image 1: This file is not only an image"),
    ],
    ids=["no alt", "blank alt", "five", "text", "bomb", "polyglot"],
)
def test_bad_images_are_a_400_and_nothing_is_kept(
    app, client, susan, headers, images, alts, field, message
):
    response = send(client, headers, images=images, alts=alts)
    assert response.status_code == 400
    assert response.json["fields"][field][0].startswith(message)
    assert stored(app) == (0, 0, 0)


def test_a_bad_body_with_good_images_keeps_nothing(app, client, susan, headers):
    response = send(client, headers, body=" ", images=[samples.jpeg()], alts=["x"])
    assert response.status_code == 400 and "body" in response.json["fields"]
    assert stored(app) == (0, 0, 0)


def test_a_body_over_the_upload_limit_is_a_json_413(app, client, susan, headers):
    app.config["MEDIA_MAX_BYTES"] = 10_000
    response = send(client, headers, images=[b"x" * 400_000], alts=["x"])
    assert response.status_code == 413
    assert "Images may be at most" in response.json["message"]
