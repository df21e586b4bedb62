"""app/media/images.py: what is stored is a fresh upright file without metadata, and what is not
an image (or is more than one) is refused with a reason."""

import io

import pytest
from PIL import Image

from app.media.images import ImageRejected, process_image
from tests.media import samples

LIMITS = {
    "max_bytes": 2 * 2**20,
    "max_pixels": 4_000_000,
    "image_size": 2048,
    "thumbnail_size": 400,
}


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_jpeg_loses_its_exif_and_gps_and_is_turned_upright():
    original = samples.jpeg(size=(200, 100), orientation=6, gps=True)
    assert decoded(original).getexif().get_ifd(samples.GPS_IFD)  # the sample has a position
    result = process_image(original, **LIMITS)
    stored = decoded(result.image.data)
    assert stored.format == "JPEG" and result.image.content_type == "image/jpeg"
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert b"PhoneMaker" not in result.image.data and b"GPS" not in result.image.data
    # Orientation 6: rotate 90° clockwise to view, so 200×100 becomes 100×200, red on top.
    assert (stored.width, stored.height) == (result.image.width, result.image.height) == (100, 200)
    red, green, blue = stored.getpixel((50, 20))
    assert red > 200 and blue < 60
    red, green, blue = stored.getpixel((50, 180))
    assert blue > 200 and red < 60


def test_the_thumbnail_fits_its_size_and_keeps_the_shape():
    result = process_image(samples.jpeg(size=(1600, 1200)), **LIMITS)
    assert (result.thumbnail.width, result.thumbnail.height) == (400, 300)
    assert decoded(result.thumbnail.data).size == (400, 300)
    assert (result.image.width, result.image.height) == (1600, 1200)


def test_a_large_image_is_stored_at_the_image_size():
    result = process_image(samples.jpeg(size=(2500, 1250)), **LIMITS)
    assert (result.image.width, result.image.height) == (2048, 1024)


def test_png_keeps_its_transparency_and_loses_its_text():
    result = process_image(samples.png(text="secret place"), **LIMITS)
    stored = decoded(result.image.data)
    assert stored.format == "PNG" and stored.mode == "RGBA"
    assert b"secret place" not in result.image.data


def test_webp_stays_webp():
    result = process_image(samples.webp(), **LIMITS)
    assert decoded(result.image.data).format == "WEBP"
    assert result.image.content_type == "image/webp" and result.image.extension == "webp"


def test_an_animated_gif_keeps_its_first_frame_as_a_png():
    result = process_image(samples.animated_gif(), **LIMITS)
    stored = decoded(result.image.data)
    assert stored.format == "PNG" and result.image.content_type == "image/png"
    assert stored.convert("RGB").getpixel((10, 10)) == (255, 0, 0)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (samples.png_bomb(), "too many pixels"),
        (samples.truncated_jpeg(), "damaged or incomplete"),
        (b"just some text, in a file called photo.png\n", "not an image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not only"),
        (samples.png_with_html(), "not only an image"),
        (samples.png() + b"trailing bytes", "not only an image"),
        (samples.gif_js_polyglot(), "not only an image"),
        (b"GIF89a", "not an image"),
    ],
    ids=["bomb", "truncated", "text", "svg", "png+html", "png+bytes", "gif+js", "gif header"],
)
def test_what_is_not_one_clean_image_is_refused_with_a_reason(data, reason):
    with pytest.raises(ImageRejected) as refused:
        process_image(data, **LIMITS)
    assert reason in str(refused.value.message)


def test_pillows_own_bomb_limit_is_a_refusal_too(monkeypatch):
    # Below our own limit but above Pillow's: its warning (an error past twice) is caught.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ImageRejected, match="too many pixels"):
        process_image(samples.jpeg(size=(60, 30)), **LIMITS)


def test_a_file_over_the_byte_limit_is_refused():
    with pytest.raises(ImageRejected, match="too large"):
        process_image(samples.jpeg(size=(400, 300)), **{**LIMITS, "max_bytes": 1000})


def test_more_pixels_than_the_setting_is_refused_before_decoding():
    with pytest.raises(ImageRejected, match="too many pixels"):
        process_image(samples.jpeg(size=(300, 200)), **{**LIMITS, "max_pixels": 50_000})
