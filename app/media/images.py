"""Uploaded images decoded and encoded again with Pillow: what is stored is a fresh file with
the orientation applied and no metadata (EXIF, GPS, comments), within size and pixel limits.

JPEG, PNG and WebP keep their format; a GIF keeps its first frame, as a PNG (no animation).
A file whose bytes go on past the image's own end (a GIF that is also a script, a PNG with
HTML appended) is refused, though the stored copy would not carry that part either.
"""

import io
import re
import struct
import warnings
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# The stored format of each accepted one, its extension, content type and encoder options.
OUTPUT: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "JPEG": ("JPEG", "jpg", "image/jpeg", {"quality": 85, "optimize": True}),
    "PNG": ("PNG", "png", "image/png", {"optimize": True}),
    "WEBP": ("WEBP", "webp", "image/webp", {"quality": 85}),
    "GIF": ("PNG", "png", "image/png", {"optimize": True}),
}
# Markup a browser could take for a page or a script, wherever it hides in the upload.
MARKUP = re.compile(rb"<(script|html|body|iframe|svg|\?php|!doctype)", re.IGNORECASE)


class ImageRejected(Exception):
    """An upload that is not an image this site keeps; the message says why, for the form."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Encoded:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    """An upload made ready to store: the image (within the size limit) and its thumbnail."""

    image: Encoded
    thumbnail: Encoded


def process_image(
    data: bytes, max_bytes: int, max_pixels: int, image_size: int, thumbnail_size: int
) -> ProcessedImage:
    """Decode an upload and encode it again, or raise ImageRejected saying why."""
    if len(data) > max_bytes:
        raise ImageRejected(
            _l("The image is too large: at most %(size)d MB.", size=max_bytes // 2**20)
        )
    if MARKUP.search(data):
        raise ImageRejected(_l("This file is not only an image; it cannot be posted."))
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it: make that a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            if image.width * image.height > max_pixels:
                raise ImageRejected(too_many_pixels(max_pixels))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRejected(too_many_pixels(max_pixels)) from error
        except UnidentifiedImageError as error:
            raise ImageRejected(
                _l("This file is not an image. Send a JPEG, PNG, WebP or GIF image.")
            ) from error
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
            raise ImageRejected(_l("This image is damaged or incomplete.")) from error
    kind = image.format or ""
    if ends_early(data, kind):
        raise ImageRejected(_l("This file is not only an image; it cannot be posted."))
    output_format, extension, content_type, options = OUTPUT[kind]
    full = normalised(image, output_format)  # a new image: shrinking it in place is safe
    full.thumbnail((image_size, image_size), Image.Resampling.LANCZOS)
    small = full.copy()
    small.thumbnail((thumbnail_size, thumbnail_size), Image.Resampling.LANCZOS)
    return ProcessedImage(
        encode(full, output_format, extension, content_type, options),
        encode(small, output_format, extension, content_type, options),
    )


def too_many_pixels(max_pixels: int):
    return _l(
        "The image has too many pixels: at most %(megapixels)d million.",
        megapixels=max_pixels // 1_000_000,
    )


def normalised(image: Image.Image, output_format: str) -> Image.Image:
    """The first frame, turned upright as its EXIF orientation says, in a mode the output
    format stores (RGB, or RGBA where there is transparency and the format keeps it)."""
    upright = ImageOps.exif_transpose(image) or image
    transparent = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    if transparent and output_format != "JPEG":
        return upright.convert("RGBA")
    return upright.convert("RGB")


def encode(
    image: Image.Image, output_format: str, extension: str, content_type: str, options: dict
) -> Encoded:
    # No exif=, pnginfo= or comment: the new file carries none of the upload's metadata.
    buffer = io.BytesIO()
    image.save(buffer, output_format, **options)
    return Encoded(buffer.getvalue(), extension, content_type, image.width, image.height)


def ends_early(data: bytes, kind: str) -> bool:
    """True when bytes follow the end of the image's own structure (a polyglot's other part).
    JPEGs are not walked: phones append pictures and trailers after their end (the markup
    search above still applies to them)."""
    try:
        if kind == "PNG":
            end = png_end(data)
        elif kind == "GIF":
            end = gif_end(data)
        elif kind == "WEBP":
            size = struct.unpack_from("<I", data, 4)[0]
            end = 8 + size + (size & 1)
        else:
            return False
    except (struct.error, IndexError):
        return True
    return len(data) > end


def png_end(data: bytes) -> int:
    position = 8
    while True:
        length, kind = struct.unpack_from(">I4s", data, position)
        position += 12 + length
        if kind == b"IEND":
            return position


def gif_end(data: bytes) -> int:
    flags = data[10]
    position = 13 + color_table_size(flags)
    while True:
        block = data[position]
        if block == 0x3B:  # the trailer
            return position + 1
        if block == 0x21:  # an extension: its label, then sub-blocks
            position += 2
        elif block == 0x2C:  # an image: its descriptor, colour table, LZW code size, sub-blocks
            flags = data[position + 9]
            position += 10 + color_table_size(flags) + 1
        else:
            raise IndexError("not a GIF block")
        while data[position]:
            position += data[position] + 1
        position += 1


def color_table_size(flags: int) -> int:
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0
