"""The QR code of an otpauth:// URI, drawn on the server: no script, no third party."""

import segno


def qr_data_url(uri: str) -> str:
    """An SVG image as a data: URL, which the Content Security Policy's img-src allows."""
    # A white background: on the dark theme a transparent one would leave dark on dark.
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")
