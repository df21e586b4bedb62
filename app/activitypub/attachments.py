"""The images of a post from another server: read from its Note's attachments, then fetched,
checked and stored in the background (never in the inbox's request), as uploads are stored.

Each image is fetched through app/federation/fetch.py (public addresses only, redirects
checked, at most MEDIA_MAX_BYTES, an image Content-Type), then decoded and encoded again
by app/media/images.py (pixel limits, no EXIF). One that fails is left out and logged; the
ones kept are written in one transaction, or none are. One that may come later (no answer, a
server error) is tried again with the whole job on RQ (FEDERATION_IMAGE_RETRY_INTERVALS);
on the app's threads, by the next Update of the Note. An Update whose attachments changed
fetches them all again.
"""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.federation.background import IMAGES, run_after_commit
from app.federation.fetch import IMAGE_TYPES, FetchError, RequestFailed, fetch_image
from app.jobs import job_app_context
from app.media.images import ImageRejected, ProcessedImage
from app.media.uploads import commit_or_remove, processed, stored_images
from app.models import Post, PostImage
from app.models.post_image import ALT_MAX, MAX_IMAGES
from app.models.remote_actor import URL_MAX
from app.models.types import utcnow

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
        run_after_commit(
            store_remote_images, post.id, images, post.edited_at, url=images[0][0], kind=IMAGES
        )


def edit_images(post: Post, note: dict, edited_at: datetime) -> bool:
    """An Update of the post's Note: its images follow the Note's, and whether they changed
    (the caller marks the post edited at `edited_at`, and commits). New alt texts are set
    at once; images added, removed or replaced (or one a fetch missed) are all fetched
    again after the commit, the post keeping its old ones until then."""
    images = image_attachments(note)
    kept = list(post.images)
    if [url for url, _ in images] == [image.source_url for image in kept]:
        changed = False
        for image, (_, alt) in zip(kept, images, strict=True):
            changed, image.alt = changed or image.alt != alt, alt
        return changed
    if images:
        run_after_commit(
            store_remote_images, post.id, images, edited_at, url=images[0][0], kind=IMAGES
        )
    else:
        replace_images(post, [])
    return True


def replace_images(post: Post, rows: list[PostImage]) -> None:
    """The post's images are `rows` now; the old ones' files go after the commit."""
    for image in post.images:
        db.session.delete(image)  # seen by app/media/uploads.py, which removes the files
    post.images, post.image_count = rows, len(rows)


def fetched(url: str, post_id: int) -> ProcessedImage | None:
    """The image at `url`, checked and encoded again; None (logged) if it cannot be had.
    Raises MayPass when that may change (no answer, a server error)."""
    try:
        return processed(fetch_image(url, current_app.config["MEDIA_MAX_BYTES"]))
    except (FetchError, ImageRejected) as error:
        with force_locale("en"):  # ImageRejected's lazy text: a job has no request's language
            current_app.logger.warning("Post %s goes without the image %s: %s", post_id, url, error)
        if isinstance(error, RequestFailed) and error.may_pass:
            raise MayPass(url) from error
        return None


class MayPass(Exception):
    """An image could not be had, for a reason that may pass (no answer, a server error)."""


def tried_again_later() -> bool:
    """Whether this job is tried again if it fails: an RQ job with retries left (on threads,
    none; the next Update of the Note fetches what a try missed)."""
    from rq import get_current_job

    job = get_current_job()
    return job is not None and bool(job.retries_left)


def store_remote_images(
    post_id: int, images: list[tuple[str, str]], edited_at: datetime | None = None
) -> None:
    """The job: fetch the images (address, alt text) and make those that can be had the
    post's, in one transaction; nothing if the post is gone, or was edited since the job was
    queued (at `edited_at`; None: the post as a Create made it), a later job's to do. Raises
    MayPass (RQ tries again later) while an image may come on a later try."""
    with job_app_context():
        post = db.session.get(Post, post_id)
        stale = post is None or post.edited_at != edited_at
        db.session.rollback()  # no transaction held while fetching
        if stale:
            return
        uploads, missed = [], False
        for url, alt in images:
            try:
                image = fetched(url, post_id)
            except MayPass:
                image, missed = None, True
            if image is not None:
                uploads.append((image, alt, url))
        if missed and tried_again_later():
            raise MayPass(f"post {post_id}'s images: one may come on a later try")
        # Read again, locked: an edit may have come while the images were fetched.
        post = db.session.get(Post, post_id, with_for_update=True)
        if post is None or post.edited_at != edited_at or (not uploads and not post.images):
            db.session.rollback()
            return
        try:
            rows, written = stored_images([(image, alt) for image, alt, _ in uploads])
            for position, (row, (_, _, url)) in enumerate(zip(rows, uploads, strict=True)):
                row.position, row.source_url = position, url
            replace_images(post, rows)
            if edited_at is not None:
                post.edited_at = utcnow()  # a new key for the articles kept (app/speedups)
            commit_or_remove(written)
        except (OSError, SQLAlchemyError):
            db.session.rollback()
            current_app.logger.exception("Post %s goes without its images", post_id)
