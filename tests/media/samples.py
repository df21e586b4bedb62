"""Real image files made with Pillow for the tests, and some that only look like images."""

import io
import struct
import zlib

from PIL import Image

# EXIF tags: Orientation, and the GPS IFD's pointer.
ORIENTATION = 0x0112
GPS_IFD = 0x8825


def jpeg(size=(200, 100), color="red", orientation: int | None = None, gps: bool = False) -> bytes:
    """A JPEG, optionally with an EXIF orientation and a GPS position. The left half is
    `color` and the right half blue, so a rotation shows where each half went."""
    image = Image.new("RGB", size, color)
    image.paste("blue", (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif[0x010F] = "PhoneMaker"  # Make
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def png(size=(120, 80), mode="RGBA", color=(0, 128, 0, 128), text: str | None = None) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if text:
        info.add_text("Comment", text)
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def webp(size=(90, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "yellow").save(buffer, "WEBP")
    return buffer.getvalue()


def animated_gif() -> bytes:
    """Two frames: red, then blue."""
    frames = [Image.new("RGB", (50, 40), color) for color in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 30_000) -> bytes:
    """A small PNG that says it is side × side pixels (900 million by default): a
    decompression bomb, a few hundred bytes that would take gigabytes decoded."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * ((side + 7) // 8 + 1) * 64, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = jpeg(size=(400, 300))
    return data[: len(data) // 2]


def gif_js_polyglot() -> bytes:
    """A GIF that a browser given it as a script would run: a comment opened in its header
    and closed after its end, followed by code."""
    gif = bytearray(animated_gif())
    gif[6:8] = b"/*"  # the width bytes open a JavaScript comment
    return bytes(gif) + b"*/=1;alert(document.domain);"


def png_with_html() -> bytes:
    return png() + b"<html><body><script>alert(1)</script></body></html>"
