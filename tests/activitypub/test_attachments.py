"""Which of a Note's attachments are images to fetch, as Mastodon and others write them."""

import pytest

from app.activitypub.attachments import image_attachments

URL = "https://files.example/a.jpg"


def document(**fields) -> dict:
    return {"type": "Document", "mediaType": "image/jpeg", "url": URL, "name": "alt", **fields}


@pytest.mark.parametrize(
    ("attachment", "expected"),
    [
        # Mastodon: a Document with its mediaType, url and name (the alt text, or null).
        ([document()], [(URL, "alt")]),
        ([document(name=None)], [(URL, "")]),
        ([document(name="  spaced  ")], [(URL, "spaced")]),
        ([document(type="Image", mediaType="image/png; charset=binary")], [(URL, "alt")]),
        ([document(mediaType="IMAGE/WEBP")], [(URL, "alt")]),
        (document(), [(URL, "alt")]),  # one attachment, not in a list
        # A Link (or several) for the url, its mediaType standing for a missing one.
        ([document(mediaType=None, url={"type": "Link", "href": URL, "mediaType": "image/gif"})],
         [(URL, "alt")]),
        ([document(url=[{"href": "https://files.example/a.mp4", "mediaType": "video/mp4"},
                        {"href": URL, "mediaType": "image/jpeg"}])], [(URL, "alt")]),
        # Not images we keep, or not readable.
        ([document(mediaType="image/svg+xml")], []),
        ([document(mediaType="video/mp4")], []),
        ([document(mediaType=None)], []),
        ([document(type="Video")], []),
        ([document(type="Link")], []),
        ([document(url=None)], []),
        ([document(url=7)], []),
        ([document(url="https://files.example/" + "a" * 2100)], []),
        ([document(name=["a list"])], [(URL, "")]),
        (["https://files.example/a.jpg", None, 3], []),
        (None, []),
        ("a string", []),
    ],
)  # fmt: skip
def test_image_attachments(attachment, expected):
    assert image_attachments({"type": "Note", "attachment": attachment}) == expected


def test_at_most_four_in_order_with_long_alt_text_cut():
    urls = [f"https://files.example/{n}.jpg" for n in range(6)]
    note = {"attachment": [document(url=url, name="x" * 2000) for url in urls]}
    images = image_attachments(note)
    assert [url for url, _ in images] == urls[:4]
    assert {len(alt) for _, alt in images} == {1500}


def test_a_note_without_attachments_has_no_images():
    assert image_attachments({"type": "Note"}) == []
