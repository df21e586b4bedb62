"""A post's images in the API: as it shows them, and sent with a new post as multipart/form-data
(fields body, image up to four times and alt once per image, in the same order)."""

from flask import request
from flask_babel import _

from app.api.errors import fail
from app.media.images import ImageRejected, ProcessedImage
from app.media.storage import media_url
from app.media.uploads import processed_upload
from app.models.post_image import ALT_MAX, MAX_IMAGES, PostImage


def image_to_dict(image: PostImage) -> dict:
    return {
        "alt": image.alt,
        "content_type": image.content_type,
        "width": image.width,
        "height": image.height,
        "thumbnail_width": image.thumbnail_width,
        "thumbnail_height": image.thumbnail_height,
        "_links": {"self": media_url(image.key), "thumbnail": media_url(image.thumbnail_key)},
    }


def is_multipart() -> bool:
    return request.mimetype == "multipart/form-data"


def multipart_post() -> tuple[str, list[tuple[ProcessedImage, str]]]:
    """The body and the (image, alt text) pairs of a multipart request, each image decoded and
    encoded again; a 400 naming the fields when anything is wrong."""
    files, alts = request.files.getlist("image"), request.form.getlist("alt")
    errors: dict[str, list[str]] = {}
    if len(files) > MAX_IMAGES:
        errors["image"] = [_("At most %(count)d images.", count=MAX_IMAGES)]
    elif len(alts) != len(files) or not all(alt.strip() for alt in alts):
        errors["alt"] = [_("Describe each image for people who cannot see it, in the same order.")]
    elif any(len(alt) > ALT_MAX for alt in alts):
        errors["alt"] = [_("At most %(count)d characters.", count=ALT_MAX)]
    uploads = []
    if not errors:
        for number, (file, alt) in enumerate(zip(files, alts, strict=True), start=1):
            try:
                uploads.append((processed_upload(file.stream), alt))
            except ImageRejected as rejected:
                message = _("Image %(number)d: %(reason)s", number=number, reason=rejected.message)
                errors.setdefault("image", []).append(message)
    if errors:
        fail(400, _("The request has invalid fields."), errors)
    return request.form.get("body", ""), uploads
