"""The images of a post from another server: read from its Note's attachments, then fetched,
checked and stored in the background (never in the inbox's request), as uploads are stored.

Each image is fetched through app/federation/fetch.py (public addresses only, redirects
checked, at most MEDIA_MAX_BYTES, an image Content-Type), then decoded and encoded again
by app/media/images.py (pixel limits, no EXIF). One that fails is left out and logged; the
ones kept are written in one transaction, or none are.
"""

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.federation.background import run_after_commit
from app.federation.fetch import IMAGE_TYPES, FetchError, fetch_image
from app.jobs import job_app_context
from app.media.images import ImageRejected, ProcessedImage
from app.media.uploads import commit_or_remove, processed, stored_images
from app.models import Post
from app.models.post_image import ALT_MAX, MAX_IMAGES
from app.models.remote_actor import URL_MAX

ATTACHMENT_TYPES = {"Image", "Document"}


def media_type(value: object) -> str | None:
    return value.split(";")[0].strip().lower() if isinstance(value, str) else None


def link(value: object, kind: str | None) -> tuple[str, str | None] | None:
    """The address an attachment's `url` gives (a string, a Link, or a list of them: the
    first usable) and the media type it says, if any."""
    if isinstance(value, str):
        return value, kind
    if isinstance(value, dict) and isinstance(value.get("href"), str):
        return value["href"], media_type(value.get("mediaType")) or kind
    if isinstance(value, list):
        found = (link(item, kind) for item in value[:MAX_IMAGES])
        return next((each for each in found if each and each[1] in IMAGE_TYPES), None)
    return None


def image_attachments(note: dict) -> list[tuple[str, str]]:
    """The Note's images (an Image or Document with an image media type we keep), at most
    MAX_IMAGES, in order: each one's address and alt text (its `name`, or "")."""
    attachments = note.get("attachment")
    attachments = attachments if isinstance(attachments, list) else [attachments]
    images: list[tuple[str, str]] = []
    for attachment in attachments:
        if not isinstance(attachment, dict) or attachment.get("type") not in ATTACHMENT_TYPES:
            continue
        found = link(attachment.get("url"), media_type(attachment.get("mediaType")))
        if found is None or found[1] not in IMAGE_TYPES or len(found[0]) > URL_MAX:
            continue
        name = attachment.get("name")
        images.append((found[0], name.strip()[:ALT_MAX] if isinstance(name, str) else ""))
        if len(images) == MAX_IMAGES:
            break
    return images


def fetch_images_later(post: Post, note: dict) -> None:
    """Fetch and store the Note's images as the post's, once the post is committed."""
    images = image_attachments(note)
    if images:
        run_after_commit(store_remote_images, post.id, images, url=images[0][0])


def fetched(url: str, post_id: int) -> ProcessedImage | None:
    """The image at `url`, checked and encoded again; None (logged) if it cannot be had."""
    try:
        return processed(fetch_image(url, current_app.config["MEDIA_MAX_BYTES"]))
    except (FetchError, ImageRejected) as error:
        with force_locale("en"):  # ImageRejected's lazy text: a job has no request's language
            current_app.logger.warning("Post %s goes without the image %s: %s", post_id, url, error)
        return None


def store_remote_images(post_id: int, images: list[tuple[str, str]]) -> None:
    """The job: fetch the images (address, alt text) and store those that can be had as the
    post's, in one transaction; nothing if the post is gone or has its images already."""
    with job_app_context():
        uploads = [(image, alt) for url, alt in images if (image := fetched(url, post_id))]
        post = db.session.get(Post, post_id) if uploads else None
        if post is None or post.image_count:
            db.session.rollback()
            return
        try:
            rows, written = stored_images(uploads)  # its files removed if one cannot be written
            for position, row in enumerate(rows):
                row.position = position
                post.images.append(row)
            post.image_count = len(rows)
            commit_or_remove(written)
        except (OSError, SQLAlchemyError):
            db.session.rollback()
            current_app.logger.exception("Post %s goes without its images", post_id)
